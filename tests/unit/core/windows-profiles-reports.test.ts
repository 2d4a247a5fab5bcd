import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { whenQuiet } from "../../../src/activity.js";
import type { Conversations } from "../../../src/core/conversations.js";
import { deliveryHandlers } from "../../../src/core/delivery/handlers/index.js";
import { DeliveryWorker } from "../../../src/core/delivery/worker.js";
import { DeliveryError } from "../../../src/core/errors.js";
import type { ChannelKind, ContactProfile, InboundMessage } from "../../../src/core/model.js";
import { type PrismaClient, testPrisma } from "../../support/prisma.js";
import {
  RecordingChannel,
  RecordingSlack,
  registryOf,
  silentLogger,
  startCore,
  type TestCore,
  type TestDatabase,
  testWorker,
} from "./harness.js";

/** What the delivery handlers need besides the ports under test. */
const handlerDefaults = {
  logger: silentLogger,
  mediaUrl: (token: string) => `https://t.example/media/${token}`,
  mediaTtlMs: 60_000,
};

const hour = 3_600_000;

/** A channel with reply windows and profiles, as the core sees one; the core never asks which it is. */
class WindowedChannel extends RecordingChannel {
  constructor(kind: ChannelKind) {
    super(kind);
    this.capabilities = {
      ...this.capabilities,
      replyWindow: { standardMs: 24 * hour, humanAgentMs: 7 * 24 * hour },
    };
  }
  readonly profiles = new Map<string, ContactProfile>();
  /** While set, every lookup fails with it. */
  lookupFailure: Error | null = null;
  lookups = 0;

  async lookupContact(address: string) {
    this.lookups += 1;
    if (this.lookupFailure) throw this.lookupFailure;
    return this.profiles.get(address) ?? null;
  }

  fallbackContactName(address: string) {
    return `Customer …${address.slice(-4)}`;
  }
}

let core: TestCore;
let db: TestDatabase;
let slack: RecordingSlack;
let channel: WindowedChannel;
let worker: DeliveryWorker;
let conversations: Conversations;
let now: Date;
let sequence = 0;

const inbound = (text: string, receivedAt = now, from = "+15551230001"): InboundMessage => ({
  kind: "sms",
  inboxAddress: "+15550001111",
  contactAddress: from,
  providerMessageId: `M${++sequence}`,
  text,
  attachments: [],
  receivedAt,
});

beforeEach(async () => {
  now = new Date();
  slack = new RecordingSlack();
  channel = new WindowedChannel("sms");
  const channels = registryOf(channel);
  core = await startCore({ slack, channels, maxAttempts: 200, now: () => now.getTime() });
  ({ db, worker, conversations } = core);
  const { commands } = core;
  await commands.run("connect sms +15550001111", { channelId: "C1", userId: "U1" });
});

afterEach(async () => {
  await core.stop();
});

async function threadWith(receivedAt: Date) {
  await conversations.receive(inbound("hi", receivedAt));
  await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
  return slack.parents[0]?.ts as string;
}

const reply = (threadTs: string, text = "hello") =>
  conversations.agentReplied({
    channelId: "C1",
    threadTs,
    ts: `1800000000.${++sequence}`,
    userId: "U2",
    text,
    files: [],
  });

describe("reply windows", () => {
  it.each([
    ["1 hour", "standard", 1 * hour],
    ["2 days", "human_agent", 48 * hour],
  ])("a reply %s after the customer's message is sent in the %s window", async (_label, window, age) => {
    const threadTs = await threadWith(new Date(now.getTime() - age));
    await reply(threadTs);
    await vi.waitFor(() => expect(channel.sent).toHaveLength(1));
    expect(channel.sent[0]?.replyWindow).toBe(window);
  });

  it("counts the window from the latest message even when an older one arrives after it", async () => {
    const threadTs = await threadWith(new Date(now.getTime() - 1 * hour));
    await conversations.receive(inbound("late redelivery", new Date(now.getTime() - 3 * 24 * hour)));
    await reply(threadTs);
    await vi.waitFor(() => expect(channel.sent).toHaveLength(1));
    expect(channel.sent[0]?.replyWindow).toBe("standard");
  });

  it("does not send a reply 8 days later, marks it not_sent and says why in the thread", async () => {
    const threadTs = await threadWith(new Date(now.getTime() - 8 * 24 * hour));
    const outcome = await reply(threadTs);
    await vi.waitFor(() =>
      expect(slack.posts.map((p) => p.post.text)).toContainEqual(
        expect.stringMatching(
          /^⚠️ Not sent to the customer: the customer's last message is more than 7 days old/,
        ),
      ),
    );
    expect(channel.sent).toHaveLength(0);
    const message = await db.store.message(outcome.result === "recorded" ? outcome.messageId : -1);
    expect(message).toMatchObject({ status: "not_sent", errorCode: "OUTSIDE_REPLY_WINDOW" });
  });

  it("passes no window to a channel that declares none, however old the conversation", async () => {
    await worker.stop();
    const plain = new RecordingChannel("sms");
    worker = new DeliveryWorker(
      db.queue,
      deliveryHandlers({
        ...handlerDefaults,
        store: db.store,
        queue: db.queue,
        slack,
        channels: registryOf(plain),
      }),
      { concurrency: 4, ...testWorker, backoff: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 } },
      silentLogger,
    );
    await worker.start();
    const threadTs = await threadWith(new Date(now.getTime() - 30 * 24 * hour));
    await reply(threadTs);
    await vi.waitFor(() => expect(plain.sent).toHaveLength(1));
    expect(plain.sent[0]?.replyWindow).toBeNull();
  });
});

describe("contact profiles", () => {
  it("starts the thread titled with the looked-up name and shows the picture", async () => {
    channel.profiles.set("+15551230001", {
      displayName: "Peter Chang",
      avatarUrl: "https://pics.example/p.jpg",
    });
    await threadWith(now);
    expect(slack.parents[0]?.view).toMatchObject({
      title: "Conversation with Peter Chang",
      contactAvatarUrl: "https://pics.example/p.jpg",
    });
    expect(slack.posts[0]?.post).toMatchObject({
      username: "Peter Chang",
      iconUrl: "https://pics.example/p.jpg",
    });
    // The stored name is the cache: later messages and conversations do not look it up again.
    await conversations.receive(inbound("again"));
    await vi.waitFor(() => expect(slack.posts).toHaveLength(2));
    expect(channel.lookups).toBe(1);
  });

  it("starts the thread with the fallback when the lookup fails, then fills the name in", async () => {
    channel.profiles.set("+15551230001", { displayName: "Peter Chang", avatarUrl: null });
    channel.lookupFailure = new DeliveryError("X", "down", { transient: true });
    await threadWith(now);
    expect(slack.parents[0]?.view.title).toBe("Conversation with Customer …0001");
    const failedLookups = channel.lookups;
    channel.lookupFailure = null;
    await vi.waitFor(() => expect(slack.updates).toHaveLength(1));
    expect(slack.updates[0]?.view.title).toBe("Conversation with Peter Chang");
    expect(slack.updates[0]?.ts).toBe(slack.parents[0]?.ts);
    expect(channel.lookups).toBe(failedLookups + 1);
  });

  it("does not hold the thread back for a lookup that fails for good", async () => {
    channel.profiles.set("+15551230001", { displayName: "Peter Chang", avatarUrl: null });
    channel.lookupFailure = new DeliveryError("X", "bad token", { transient: false });
    await threadWith(now);
    await whenQuiet(() => worker.idle);
    expect(slack.parents[0]?.view.title).toBe("Conversation with Customer …0001");
    expect(channel.lookups).toBe(1);
  });

  it("keeps the fallback when the channel has no profile to give", async () => {
    await threadWith(now);
    await whenQuiet(() => worker.idle);
    expect(slack.parents[0]?.view.title).toBe("Conversation with Customer …0001");
    expect(slack.updates).toHaveLength(0);
    expect(channel.lookups).toBe(1);
  });
});

describe("delivery reports", () => {
  let prisma: PrismaClient;
  beforeEach(() => {
    prisma = testPrisma(db.connection.filePath);
  });
  afterEach(() => prisma.$disconnect());

  async function sentReplies(count: number) {
    const threadTs = await threadWith(now);
    for (let i = 0; i < count; i++) await reply(threadTs, `r${i}`);
    await vi.waitFor(() => expect(channel.sent).toHaveLength(count));
    await vi.waitFor(async () =>
      expect(
        (await prisma.message.findMany({ where: { direction: "out" } })).every((m) => m.status === "queued"),
      ).toBe(true),
    );
  }

  const statuses = async () =>
    (await prisma.message.findMany({ where: { direction: "out" }, orderBy: { id: "asc" } })).map(
      (m) => m.status,
    );

  const report = (changes: Partial<Parameters<Conversations["deliveryReported"]>[0]>) =>
    conversations.deliveryReported({
      kind: "sms",
      inboxAddress: "+15550001111",
      contactAddress: "+15551230001",
      status: "delivered",
      providerMessageIds: [],
      upTo: null,
      ...changes,
    });

  it("marks messages named by provider id", async () => {
    await sentReplies(2);
    expect(await report({ providerMessageIds: ["SM2"] })).toBe(1);
    expect(await statuses()).toEqual(["queued", "delivered"]);
  });

  it("marks every message of the conversation up to the watermark, and only moves forward", async () => {
    await sentReplies(2);
    const later = new Date(Date.now() + 1000);
    expect(await report({ status: "read", upTo: later })).toBe(2);
    expect(await report({ status: "delivered", upTo: later })).toBe(0);
    expect(await statuses()).toEqual(["read", "read"]);
  });

  it("leaves messages after the watermark and other conversations alone", async () => {
    await sentReplies(1);
    expect(await report({ upTo: new Date(0) })).toBe(0);
    expect(await report({ contactAddress: "+15559999999", upTo: new Date(Date.now() + 1000) })).toBe(0);
    expect(await statuses()).toEqual(["queued"]);
  });
});
