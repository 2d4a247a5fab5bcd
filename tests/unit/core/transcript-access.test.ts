import { describe, expect, it } from "vitest";
import { ChannelMembership } from "../../../src/core/membership.js";
import type { ConversationContext } from "../../../src/core/model.js";
import { TranscriptAccessPolicy } from "../../../src/core/transcript-access.js";
import { silentLogger } from "./harness.js";

function context(inboxChannel: string | null, threadChannel: string | null): ConversationContext {
  return {
    inbox: {
      id: 1,
      kind: "sms",
      address: "+15550001111",
      slackChannelId: inboxChannel,
      deliveryProblem: null,
    },
    contact: {
      id: 1,
      kind: "sms",
      address: "+15557654321",
      displayName: null,
      avatarUrl: null,
    },
    conversation: {
      id: 7,
      inboxId: 1,
      contactId: 1,
      status: "open",
      optedOut: false,
      assigneeId: null,
      closedBy: null,
      closedAt: null,
      slackChannelId: threadChannel,
      slackThreadTs: threadChannel ? "1.000100" : null,
      lastInboundAt: null,
    },
  } as ConversationContext;
}

const member = (id: string) => ({
  id,
  handle: id,
  realName: id,
  displayName: id,
  isBot: false,
  deleted: false,
});

function policy(found: ConversationContext | null) {
  return new TranscriptAccessPolicy(
    { conversationContext: async () => found },
    new ChannelMembership({ channelMembers: async () => [member("U1")] }, silentLogger),
    { urlFor: (id) => ({ url: `https://t.example/conversations/${id}?sig=x`, expiresAt: new Date(0) }) },
    silentLogger,
  );
}

describe("who gets a transcript link", () => {
  it("a member asking from the channel the conversation lives in", async () => {
    expect(await policy(context("C1", "C1")).linkFor(7, { userId: "U1", channelId: "C1" })).toMatchObject({
      result: "granted",
      url: "https://t.example/conversations/7?sig=x",
    });
  });

  it.each([
    ["a non-member", context("C1", "C1"), "U2", "C1", "Only members of <#C1>"],
    [
      "anyone asking from the old thread of a moved inbox",
      context("C2", "C1"),
      "U1",
      "C1",
      "now lives in <#C2>",
    ],
    ["anyone once the inbox is disconnected", context(null, "C1"), "U1", "C1", "disconnected"],
    ["anyone asking about an unknown conversation", null, "U1", "C1", "no longer exists"],
  ])("not %s", async (_who, found, userId, channelId, reason) => {
    const access = await policy(found).linkFor(7, { userId, channelId });
    expect(access.result).toBe("refused");
    expect(access.result === "refused" && access.reason).toContain(reason);
  });
});
