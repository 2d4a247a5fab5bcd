import { describe, expect, it } from "vitest";
import { type ReplyWindowRules, replyWindowDecision } from "../../../../src/core/policies/reply-window.js";

const now = new Date("2026-11-25T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const hour = 3_600_000;
const rules: ReplyWindowRules = { standardMs: 24 * hour, humanAgentMs: 7 * 24 * hour };
const decide = (lastInboundAt: Date | null) => replyWindowDecision(rules, lastInboundAt, now, "Messenger");

describe("replyWindowDecision (Messenger's 24 h / 7 days)", () => {
  it.each([
    ["just now", 0],
    ["23 h ago", 23 * hour],
    ["exactly 24 h ago", 24 * hour],
  ])("a reply to a message %s is a standard response", (_label, elapsed) => {
    expect(decide(ago(elapsed))).toEqual({ send: true, window: "standard" });
  });

  it.each([
    ["24 h and 1 ms ago", 24 * hour + 1],
    ["2 days ago", 48 * hour],
    ["exactly 7 days ago", 7 * 24 * hour],
  ])("a reply to a message %s goes out in the human-agent window", (_label, elapsed) => {
    expect(decide(ago(elapsed))).toEqual({ send: true, window: "human_agent" });
  });

  it("refuses a reply more than 7 days after the customer's last message, saying why", () => {
    const decision = decide(ago(7 * 24 * hour + 1));
    expect(decision.send).toBe(false);
    expect(!decision.send && decision.reason).toContain("more than 7 days old");
    expect(!decision.send && decision.reason).toContain("once the customer writes again");
  });

  it("refuses when the customer never wrote", () => {
    const decision = decide(null);
    expect(decision.send).toBe(false);
    expect(!decision.send && decision.reason).toContain("has not written yet");
  });

  it("treats a clock slightly behind the message (a future timestamp) as inside the window", () => {
    expect(decide(new Date(now.getTime() + 5_000))).toEqual({ send: true, window: "standard" });
  });
});
