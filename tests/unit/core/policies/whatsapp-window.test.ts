import { describe, expect, it } from "vitest";
import { whatsappCapabilities } from "../../../../src/channels/whatsapp/index.js";
import { replyWindowDecision } from "../../../../src/core/policies/reply-window.js";
import { parseTemplateReply } from "../../../../src/core/templates.js";

const now = new Date("2026-11-26T12:00:00Z");
const hour = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const rules = whatsappCapabilities.replyWindow;
const hint = "Only an approved template can be sent now.";
const decide = (lastInboundAt: Date | null) =>
  replyWindowDecision(rules ?? { standardMs: 0 }, lastInboundAt, now, "WhatsApp", hint);

describe("WhatsApp's 24-hour customer-service window", () => {
  it.each([
    ["just now", 0],
    ["23 h ago", 23 * hour],
    ["exactly 24 h ago", 24 * hour],
  ])("lets a free-form reply to a message %s go out", (_label, elapsed) => {
    expect(decide(ago(elapsed))).toEqual({ send: true, window: "standard" });
  });

  it("has no human-agent extension: a millisecond past 24 h is refused, with the template hint", () => {
    const decision = decide(ago(24 * hour + 1));
    expect(decision.send).toBe(false);
    expect(!decision.send && decision.reason).toContain("more than 24 hours old");
    expect(!decision.send && decision.reason).toContain(hint);
  });

  it("refuses a free-form first message", () => {
    const decision = decide(null);
    expect(!decision.send && decision.reason).toContain("has not written yet");
  });
});

describe("parseTemplateReply", () => {
  const templates = whatsappCapabilities.templates;
  const id = `HX${"0123456789abcdef".repeat(2)}`;

  it("is null for a reply that is not a template", () => {
    expect(parseTemplateReply("See you at 5", templates, "WhatsApp")).toBeNull();
  });

  it("reads the Content SID and the variables in order, quotes keeping spaces", () => {
    expect(parseTemplateReply(`Template: ${id} Maya "Tuesday 3pm" “Main St”`, templates, "WhatsApp")).toEqual(
      {
        id,
        variables: ["Maya", "Tuesday 3pm", "Main St"],
      },
    );
  });

  it("names what is wrong: no id, a bad id, an unclosed quote, a channel without templates", () => {
    expect(parseTemplateReply("template:", templates, "WhatsApp")).toMatchObject({
      problem: expect.stringContaining("names no template"),
    });
    expect(parseTemplateReply("template: HX12 Maya", templates, "WhatsApp")).toMatchObject({
      problem: expect.stringContaining("`HX12` is not a WhatsApp template id"),
    });
    expect(parseTemplateReply(`template: ${id} "Tuesday 3pm`, templates, "WhatsApp")).toMatchObject({
      problem: expect.stringContaining("not closed"),
    });
    expect(parseTemplateReply(`template: ${id} Maya ""`, templates, "WhatsApp")).toMatchObject({
      problem: expect.stringContaining("variable 2 is empty"),
    });
    expect(parseTemplateReply(`template: ${id} "a"b`, templates, "WhatsApp")).toMatchObject({
      problem: expect.stringContaining("not closed"),
    });
  });

  it("is plain text on a channel without templates: a reply may start with the word", () => {
    expect(parseTemplateReply("Template: attached is the form you asked for", null, "SMS")).toBeNull();
  });
});
