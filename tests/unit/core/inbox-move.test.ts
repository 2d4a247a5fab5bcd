import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SlashCommands } from "../../../src/core/commands.js";
import type { Conversations } from "../../../src/core/conversations.js";
import { DeliveryError } from "../../../src/core/errors.js";
import {
  RecordingChannel,
  RecordingSlack,
  registryOf,
  startCore,
  type TestCore,
  type TestDatabase,
} from "./harness.js";

let core: TestCore;
let db: TestDatabase;
let slack: RecordingSlack;
let conversations: Conversations;
let commands: SlashCommands;

beforeEach(async () => {
  slack = new RecordingSlack();
  slack.members.set("C2", true);
  // The person who confirms the move is in the channel it moves to.
  slack.teammates = [
    { id: "U2", handle: "u2", realName: "U Two", displayName: "", isBot: false, deleted: false },
  ];
  const channels = registryOf(new RecordingChannel("sms"));
  core = await startCore({ slack, channels, maxAttempts: 3 });
  ({ db, conversations } = core);
  commands = core.commands;
});

afterEach(async () => {
  await core.stop();
});

const move = { kind: "sms", address: "+15550001111", from: "C1", to: "C2" } as const;

describe("a confirmed move", () => {
  it("posts the notice in the old channel through the queue", async () => {
    await commands.run("connect sms +15550001111", { channelId: "C1", userId: "U1" });
    const offer = await commands.run("connect sms +15550001111", { channelId: "C2", userId: "U2" });
    expect(offer.moveOffer).toEqual(move);
    expect(await commands.confirmMove(move, { channelId: "C2", userId: "U2" })).toContain("Moved");
    await vi.waitFor(() => expect(slack.channelPosts).toHaveLength(1));
    expect(slack.channelPosts[0]).toMatchObject({
      channelId: "C1",
      text: "<@U2> moved SMS +15550001111 to <#C2>. Its conversations continue there; replies typed in its threads here are no longer sent to customers.",
    });
  });

  it("never holds the inbox's new channel when the old channel can't be posted to", async () => {
    await commands.run("connect sms +15550001111", { channelId: "C1", userId: "U1" });
    slack.failures.push(
      new DeliveryError("SLACK_is_archived", "the channel is archived", { transient: false }),
    );
    await commands.confirmMove(move, { channelId: "C2", userId: "U2" });
    await vi.waitFor(async () => expect((await db.queue.stats()).depth.pending).toBe(0));
    expect(slack.channelPosts).toEqual([]);
    await conversations.receive({
      kind: "sms",
      inboxAddress: "+15550001111",
      contactAddress: "+15557654321",
      providerMessageId: `SM${"1".padStart(32, "0")}`,
      text: "after the move",
      attachments: [],
      receivedAt: new Date(),
    });
    await vi.waitFor(() =>
      expect(slack.posts.map((p) => [p.channelId, p.post.text])).toEqual([["C2", "after the move"]]),
    );
    expect((await db.store.findInbox("sms", "+15550001111"))?.deliveryProblem).toBeNull();
  });

  it("fails a post into the old channel's thread without holding the inbox's new channel", async () => {
    await commands.run("connect sms +15550001111", { channelId: "C1", userId: "U1" });
    const first = await conversations.receive({
      kind: "sms",
      inboxAddress: "+15550001111",
      contactAddress: "+15557654321",
      providerMessageId: `SM${"2".padStart(32, "0")}`,
      text: "before the move",
      attachments: [],
      receivedAt: new Date(),
    });
    if (first.result !== "recorded") throw new Error("not recorded");
    await vi.waitFor(() => expect(slack.posts.map((p) => p.channelId)).toEqual(["C1"]));
    await commands.confirmMove(move, { channelId: "C2", userId: "U2" });
    await vi.waitFor(() => expect(slack.channelPosts).toHaveLength(1));
    // The old channel was archived meanwhile: a line for the old thread (a late delivery report) can't be posted.
    slack.failures.push(
      new DeliveryError("SLACK_is_archived", "the Slack channel is archived", {
        transient: false,
        category: "destination_unavailable",
      }),
    );
    await db.store.write({
      jobs: [
        {
          lane: `slack:${first.conversationId}`,
          kind: "slack.notice",
          payload: { conversationId: first.conversationId, text: "late line for the old thread" },
        },
      ],
    });
    await vi.waitFor(async () => expect((await db.queue.stats()).depth.failed).toBe(1));
    expect((await db.store.findInbox("sms", "+15550001111"))?.deliveryProblem).toBeNull();
    await conversations.receive({
      kind: "sms",
      inboxAddress: "+15550001111",
      contactAddress: "+15557654321",
      providerMessageId: `SM${"3".padStart(32, "0")}`,
      text: "after the move",
      attachments: [],
      receivedAt: new Date(),
    });
    await vi.waitFor(() =>
      expect(slack.posts.map((p) => [p.channelId, p.post.text])).toEqual([
        ["C1", "before the move"],
        ["C2", "after the move"],
      ]),
    );
  });
});
