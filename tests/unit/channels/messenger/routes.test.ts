import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { whenQuiet } from "../../../../src/activity.js";
import { createMessengerChannel } from "../../../../src/channels/messenger/index.js";
import type { MetaConfig } from "../../../../src/channels/meta/config.js";
import { SlashCommands } from "../../../../src/core/commands.js";
import { Conversations } from "../../../../src/core/conversations.js";
import { deliveryHandlers } from "../../../../src/core/delivery/handlers/index.js";
import { DeliveryWorker } from "../../../../src/core/delivery/worker.js";
import type { ChannelKind } from "../../../../src/core/model.js";
import type { ChannelRegistry } from "../../../../src/core/ports/channel.js";
import { SqlCustomerView } from "../../../../src/db/customer-view.js";
import { SqliteSql } from "../../../../src/db/sqlite/sql.js";
import { createHttpServer } from "../../../../src/http/server.js";
import { events, notification } from "../../../../src/simulators/meta/payloads.js";
import { GraphSimulator } from "../../../../src/simulators/meta/simulator.js";
import { graphErrors, postWebhook } from "../../../../src/simulators/meta/wire.js";
import { type PrismaClient, testPrisma } from "../../../support/prisma.js";
import {
  RecordingChannel,
  RecordingSlack,
  silentLogger,
  type TestDatabase,
  testDatabase,
  testWorker,
} from "../../core/harness.js";

/*
 * The Messenger webhook through the real receiver, core and SQLite store, against the fake Graph API; Slack
 * is the in-memory port (the end-to-end tests add real Bolt and the fake Slack).
 */

/** What the delivery handlers need besides the ports under test. */
const handlerDefaults = {
  logger: silentLogger,
  mediaUrl: (token: string) => `https://t.example/media/${token}`,
  mediaTtlMs: 60_000,
};

const page = "111111";
const psid = "2222223456";
const secret = "app-secret";
const day = 24 * 3_600_000;

let db: TestDatabase;
let prisma: PrismaClient;
let graph: GraphSimulator;
let slack: RecordingSlack;
let worker: DeliveryWorker;
let http: FastifyInstance;
let conversations: Conversations;
let base: string;

async function startReceiver(config: MetaConfig | null) {
  const module = createMessengerChannel(config);
  const channels = {
    sms: new RecordingChannel("sms"),
    messenger: module.channel,
    whatsapp: new RecordingChannel("whatsapp"),
    instagram: new RecordingChannel("instagram"),
    webchat: new RecordingChannel("webchat"),
  } as ChannelRegistry;
  worker = new DeliveryWorker(
    db.queue,
    deliveryHandlers({ ...handlerDefaults, store: db.store, queue: db.queue, slack, channels }),
    { concurrency: 4, ...testWorker, backoff: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 200 } },
    silentLogger,
  );
  conversations = new Conversations(db.store, channels, silentLogger);
  http = createHttpServer(silentLogger);
  const isRecorded = async (kind: ChannelKind, mid: string) =>
    (await db.store.messageByProviderId(kind, mid)) !== null;
  module.registerWebhooks(http, {
    conversations,
    isRecorded,
    logger: silentLogger,
    now: Date.now,
    customerView: new SqlCustomerView(new SqliteSql(db.connection)),
  });
  await http.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
  if (config) {
    const commands = new SlashCommands(db.store, slack, channels, silentLogger);
    expect(
      (await commands.run(`connect messenger ${page}`, { channelId: "C1", userId: "U1" })).text,
    ).toContain(`Connected Messenger ${page}`);
  }
  await worker.start();
}

beforeEach(async () => {
  db = await testDatabase();
  prisma = testPrisma(db.connection.filePath);
  graph = await GraphSimulator.start({ accessToken: "page-token" });
  graph.profiles.set(psid, {
    first_name: "Peter",
    last_name: "Chang",
    profile_pic: "https://pics.example/p.jpg",
  });
  slack = new RecordingSlack();
  await startReceiver({
    pageAccessToken: "page-token",
    appSecret: secret,
    verifyToken: "verify-me",
    graphApiUrl: graph.url,
    mediaHosts: [new URL(graph.url).host],
  });
});

afterEach(async () => {
  await http.close();
  await worker.stop();
  await graph.stop();
  await prisma.$disconnect();
  await db.close();
});

const webhook = () => `${base}/webhooks/messenger`;
const send = (...evts: Record<string, unknown>[]) =>
  postWebhook(webhook(), notification([{ pageId: page, events: evts }]), { appSecret: secret });
const storedMessages = () => prisma.message.count();

async function replyInThread(text: string) {
  const threadTs = slack.parents[0]?.ts as string;
  const outcome = await conversations.agentReplied({
    channelId: "C1",
    threadTs,
    ts: `1800000000.${Math.random().toString().slice(2, 8)}`,
    userId: "U2",
    text,
    files: [],
  });
  expect(outcome.result).toBe("recorded");
  return outcome.result === "recorded" ? outcome.messageId : -1;
}

describe("GET /webhooks/messenger (verification)", () => {
  it("answers the challenge as plain text for the right token", async () => {
    const response = await fetch(
      `${webhook()}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("1158201444");
  });

  it.each([
    ["a wrong token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope"],
    ["another mode", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me"],
    ["no challenge", "hub.mode=subscribe&hub.verify_token=verify-me"],
    ["nothing", ""],
  ])("refuses %s with 403", async (_label, query) => {
    expect((await fetch(`${webhook()}?${query}`)).status).toBe(403);
  });
});

describe("POST /webhooks/messenger", () => {
  it("records a signed message and starts a thread titled with the customer's profile name", async () => {
    const response = await send(events.text(page, psid, "Hallo, ich möchte 😀"));
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
    expect(slack.parents[0]?.view).toMatchObject({
      title: "Conversation with Peter Chang",
      channelLabel: "Messenger",
      contactAvatarUrl: "https://pics.example/p.jpg",
    });
    expect(slack.posts[0]?.post).toMatchObject({ text: "Hallo, ich möchte 😀", username: "Peter Chang" });
  });

  it.each([
    ["unsigned", {}],
    ["signed with another secret", { appSecret: "other" }],
    ["with a malformed signature", { signature: "sha256=abc" }],
  ])("refuses a POST %s with 403 and stores nothing", async (_label, options) => {
    const response = await postWebhook(
      webhook(),
      notification([{ pageId: page, events: [events.text(page, psid, "x")] }]),
      options,
    );
    expect(response.status).toBe(403);
    expect(await storedMessages()).toBe(0);
  });

  it("checks the signature before reading the body", async () => {
    const response = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "not json",
    });
    expect(response.status).toBe(403);
  });

  it("refuses a signed body that is not a Page notification with 400", async () => {
    const response = await postWebhook(webhook(), { object: "page" }, { appSecret: secret });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("entry");
  });

  it("records a batch's messages in order, ignores echoes and unknown events, and a repeated mid once", async () => {
    const first = events.text(page, psid, "first");
    const response = await postWebhook(
      webhook(),
      notification([
        {
          pageId: page,
          events: [first, events.echo(page, psid, "echo"), events.postback(page, psid, "GET_STARTED")],
        },
        { pageId: page, events: [events.text(page, psid, "second")] },
      ]),
      { appSecret: secret },
    );
    expect(response.status).toBe(200);
    expect((await send(first)).status).toBe(200);
    await vi.waitFor(() => expect(slack.posts.map((p) => p.post.text)).toEqual(["first", "second"]));
    await whenQuiet(() => worker.idle);
    expect(slack.posts).toHaveLength(2);
    expect(await storedMessages()).toBe(2);
  });

  it("uploads an image the customer sent into the thread", async () => {
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const url = graph.hostFile("cat.png", png, "image/png");
    await send(events.attachments(page, psid, [{ type: "image", url }]));
    await vi.waitFor(() => expect(slack.uploads).toHaveLength(1));
    expect(slack.posts[0]?.post.text).toBe("📎 sent 1 attachment");
    expect(slack.uploads[0]?.file).toMatchObject({ contentType: "image/png", filename: "cat.png" });
    expect(Buffer.compare(Buffer.from(slack.uploads[0]?.file.bytes ?? []), png)).toBe(0);
  });

  it("starts the thread with a fallback name when the profile lookup fails, then fills it in", async () => {
    graph.profileFailure = graphErrors.unexpected;
    await send(events.text(page, psid, "hi"));
    await vi.waitFor(() => expect(slack.parents).toHaveLength(1));
    expect(slack.parents[0]?.view.title).toBe("Conversation with Messenger user …3456");
    graph.profileFailure = null;
    await vi.waitFor(() => expect(slack.updates.at(-1)?.view.title).toBe("Conversation with Peter Chang"));
  });
});

describe("replies and their delivery", () => {
  async function conversationAged(ageMs: number) {
    await send(events.text(page, psid, "hi", { timestamp: Date.now() - ageMs }));
    await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
  }

  it("sends a reply within 24 h as a RESPONSE, then records delivery and read reports", async () => {
    await conversationAged(60_000);
    const messageId = await replyInThread("Hi *Peter*");
    await vi.waitFor(() => expect(graph.sends).toHaveLength(1));
    expect(graph.sends[0]?.body).toEqual({
      recipient: { id: psid },
      messaging_type: "RESPONSE",
      message: { text: "Hi *Peter*" },
    });
    const mid = graph.sends[0]?.messageId as string;
    await vi.waitFor(async () => expect((await db.store.message(messageId))?.status).toBe("sent"));
    await send(events.delivery(page, psid, Date.now(), [mid]));
    expect((await db.store.message(messageId))?.status).toBe("delivered");
    await send(events.read(page, psid, Date.now()));
    expect((await db.store.message(messageId))?.status).toBe("read");
  });

  it("tags a reply 2 days after the customer's message with HUMAN_AGENT", async () => {
    await conversationAged(2 * day);
    await replyInThread("Sorry for the wait");
    await vi.waitFor(() => expect(graph.sends).toHaveLength(1));
    expect(graph.sends[0]?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("does not send a reply 8 days later and tells the agent why", async () => {
    await conversationAged(8 * day);
    const messageId = await replyInThread("Are you still there?");
    await vi.waitFor(() =>
      expect(slack.posts.at(-1)?.post.text).toMatch(
        /^⚠️ Not sent to the customer: the customer's last message is more than 7 days old/,
      ),
    );
    expect(graph.sends).toHaveLength(0);
    expect((await db.store.message(messageId))?.status).toBe("not_sent");
  });

  it("shows Graph's refusal in the thread", async () => {
    await conversationAged(60_000);
    graph.failNext(graphErrors.unavailable);
    await replyInThread("hello?");
    await vi.waitFor(() =>
      expect(slack.posts.at(-1)?.post.text).toContain(
        "Not delivered to the customer: this person isn't available",
      ),
    );
  });
});

describe("a server without Messenger credentials", () => {
  beforeEach(async () => {
    await http.close();
    await worker.stop();
    await startReceiver(null);
  });

  it("answers 503 to both routes", async () => {
    expect((await fetch(`${webhook()}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`)).status).toBe(
      503,
    );
    expect((await send(events.text(page, psid, "x"))).status).toBe(503);
    expect(await storedMessages()).toBe(0);
  });
});
