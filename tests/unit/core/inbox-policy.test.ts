import { describe, expect, it } from "vitest";
import { InboxPolicy, leftThreadReason } from "../../../src/core/inbox-policy.js";
import type { ConversationContext } from "../../../src/core/model.js";

describe("InboxPolicy", () => {
  it("lets anyone manage inboxes when no admins are configured", () => {
    expect(new InboxPolicy([]).refusal("U1", "move inboxes")).toBeNull();
  });

  it("lets only admins manage them otherwise, naming the admins to ask", () => {
    const policy = new InboxPolicy(["UADMIN1", "UADMIN2"]);
    expect(policy.refusal("UADMIN2", "move inboxes")).toBeNull();
    expect(policy.refusal("U1", "move inboxes")).toBe(
      "Only a Threadline admin can move inboxes. Ask an admin to do it: <@UADMIN1>, <@UADMIN2>.",
    );
  });
});

function context(inboxChannel: string | null, thread: { channel: string; ts: string } | null) {
  return {
    inbox: {
      id: 1,
      kind: "sms",
      address: "+15550001111",
      slackChannelId: inboxChannel,
      connectedBy: null,
      connectedAt: null,
      deliveryProblem: null,
    },
    conversation: {
      id: 7,
      inboxId: 1,
      contactId: 2,
      status: "open",
      optedOut: false,
      assigneeId: null,
      closedBy: null,
      closedAt: null,
      slackChannelId: thread?.channel ?? null,
      slackThreadTs: thread?.ts ?? null,
      lastInboundAt: null,
      awayRepliedUntil: null,
      unansweredSince: null,
    },
    contact: {
      id: 2,
      kind: "sms",
      address: "+15557654321",
      displayName: null,
      avatarUrl: null,
    },
  } satisfies ConversationContext;
}

describe("leftThreadReason", () => {
  const oldThread = { channel: "C1", ts: "1.0" };

  it("accepts the live thread, and its parent when no thread is given", () => {
    expect(leftThreadReason(context("C1", oldThread), { channelId: "C1", threadTs: "1.0" })).toBeNull();
    expect(leftThreadReason(context("C1", oldThread), { channelId: "C1" })).toBeNull();
  });

  it("refuses a thread whose inbox is disconnected", () => {
    expect(leftThreadReason(context(null, oldThread), { channelId: "C1", threadTs: "1.0" })).toContain(
      "this inbox is disconnected",
    );
  });

  it("names the channel an inbox moved to, whether or not the conversation has a thread there yet", () => {
    expect(leftThreadReason(context("C2", oldThread), { channelId: "C1", threadTs: "1.0" })).toBe(
      "this conversation now lives in <#C2>. Its thread there starts with the customer's next message.",
    );
    const movedThread = { channel: "C2", ts: "2.0" };
    expect(leftThreadReason(context("C2", movedThread), { channelId: "C1", threadTs: "1.0" })).toBe(
      "this conversation now lives in <#C2>. Continue in its thread there.",
    );
    expect(leftThreadReason(context("C2", movedThread), { channelId: undefined })).toContain("<#C2>");
  });

  it("refuses an older thread in the inbox's own channel (moved away and back)", () => {
    const newer = { channel: "C1", ts: "3.0" };
    expect(leftThreadReason(context("C1", newer), { channelId: "C1", threadTs: "1.0" })).toContain(
      "newer thread",
    );
    const stillElsewhere = { channel: "C2", ts: "2.0" };
    expect(leftThreadReason(context("C1", stillElsewhere), { channelId: "C1", threadTs: "1.0" })).toContain(
      "starts a new thread in this channel",
    );
  });
});
