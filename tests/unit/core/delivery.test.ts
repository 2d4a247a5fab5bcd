import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { whenQuiet } from "../../../src/activity.js";
import type { SlashCommands } from "../../../src/core/commands.js";
import type { Conversations } from "../../../src/core/conversations.js";
import type { DeliveryWorker } from "../../../src/core/delivery/worker.js";
import { DeliveryError } from "../../../src/core/errors.js";
import type { InboundMessage } from "../../../src/core/model.js";
import type { ParentView } from "../../../src/core/ports/slack.js";
import { withTestPrisma } from "../../support/prisma.js";
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
let sms: RecordingChannel;
let worker: DeliveryWorker;
let conversations: Conversations;
let commands: SlashCommands;
let sequence = 0;

const inbound = (text: string, from = "+15551230001"): InboundMessage => ({
  kind: "sms",
  inboxAddress: "+15550001111",
  contactAddress: from,
  providerMessageId: `SM${String(++sequence).padStart(32, "0")}`,
  text,
  attachments: [],
  receivedAt: new Date(),
});

beforeEach(async () => {
  slack = new RecordingSlack();
  sms = new RecordingChannel("sms");
  const channels = registryOf(sms);
  core = await startCore({ slack, channels, maxAttempts: 5 });
  ({ db, worker, conversations } = core);
  commands = core.commands;
});

afterEach(async () => {
  await core.stop();
});

const connect = async () =>
  (await commands.run("connect sms +15550001111", { channelId: "C1", userId: "U1" })).text;

describe("inbound delivery", () => {
  it("posts one parent, then each message of the conversation in its thread, in order", async () => {
    await connect();
    for (const text of ["one", "two", "three"]) await conversations.receive(inbound(text));
    await vi.waitFor(() => expect(slack.posts).toHaveLength(3));
    expect(slack.parents).toHaveLength(1);
    expect(slack.posts.map((p) => p.post.text)).toEqual(["one", "two", "three"]);
    expect(new Set(slack.posts.map((p) => p.threadTs))).toEqual(new Set([slack.parents[0]?.ts]));
  });

  it("escapes customer text so it cannot ping or disguise links", async () => {
    await connect();
    await conversations.receive(inbound("<!channel> <http://evil.example|bank>"));
    await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
    expect(slack.posts[0]?.post.text).toBe("&lt;!channel&gt; &lt;http://evil.example|bank&gt;");
  });

  it("retries a transient Slack failure without letting a later message overtake", async () => {
    await connect();
    slack.failures.push(
      new DeliveryError("SLACK_HTTP", "503", { transient: true }),
      new DeliveryError("SLACK_HTTP", "503", { transient: true }),
    );
    await conversations.receive(inbound("first"));
    await conversations.receive(inbound("second"));
    await vi.waitFor(() => expect(slack.posts).toHaveLength(2));
    expect(slack.posts.map((p) => p.post.text)).toEqual(["first", "second"]);
    expect(slack.parents).toHaveLength(1);
  });

  it("keeps messages for an unconnected number and posts them in order once it is connected", async () => {
    await conversations.receive(inbound("waiting 1"));
    await conversations.receive(inbound("waiting 2"));
    await whenQuiet(() => worker.idle);
    expect(slack.posts).toHaveLength(0);
    expect(await connect()).toContain("2 messages that arrived meanwhile will be posted now");
    await vi.waitFor(() => expect(slack.posts.map((p) => p.post.text)).toEqual(["waiting 1", "waiting 2"]));
  });

  it("records a redelivered provider message once", async () => {
    await connect();
    const message = inbound("hello");
    expect((await conversations.receive(message)).result).toBe("recorded");
    expect((await conversations.receive(message)).result).toBe("duplicate");
    await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
    await whenQuiet(() => worker.idle);
    expect(slack.posts).toHaveLength(1);
  });
});

describe("agent replies", () => {
  async function thread() {
    await connect();
    await conversations.receive(inbound("hi"));
    await vi.waitFor(() => expect(slack.parents).toHaveLength(1));
    return slack.parents[0]?.ts as string;
  }

  it("sends a thread reply as plain text from the inbox number to the contact", async () => {
    const threadTs = await thread();
    const outcome = await conversations.agentReplied({
      channelId: "C1",
      threadTs,
      ts: "1800000000.000001",
      userId: "U2",
      files: [],
      text: "Hi, <@U1> here: see <https://x.example/a|the form> &amp; reply",
    });
    expect(outcome.result).toBe("recorded");
    await vi.waitFor(() => expect(sms.sent).toHaveLength(1));
    expect(sms.sent[0]).toMatchObject({
      inboxAddress: "+15550001111",
      contactAddress: "+15551230001",
      text: "Hi, @Ana here: see the form (https://x.example/a) & reply",
    });
  });

  it("ignores notes, other threads and repeated events", async () => {
    const threadTs = await thread();
    const reply = { channelId: "C1", threadTs, ts: "1800000000.000002", userId: "U2", files: [], text: "ok" };
    expect((await conversations.agentReplied({ ...reply, text: "note: vip" })).result).toBe("internal_note");
    expect((await conversations.agentReplied({ ...reply, threadTs: "1.2" })).result).toBe(
      "not_a_conversation",
    );
    expect((await conversations.agentReplied(reply)).result).toBe("recorded");
    expect((await conversations.agentReplied(reply)).result).toBe("duplicate");
    await vi.waitFor(() => expect(sms.sent).toHaveLength(1));
    await whenQuiet(() => worker.idle);
    expect(sms.sent).toHaveLength(1);
  });

  it("tells the agent in the thread when the provider refuses the reply for good", async () => {
    const threadTs = await thread();
    sms.failures.push(
      new DeliveryError("TWILIO_21211", "the phone number is not valid (Twilio error 21211)", {
        transient: false,
      }),
    );
    await conversations.agentReplied({
      channelId: "C1",
      threadTs,
      ts: "1800000000.000003",
      userId: "U2",
      files: [],
      text: "hello",
    });
    await vi.waitFor(() =>
      expect(slack.posts.map((p) => p.post.text)).toContain(
        "⚠️ Not delivered to the customer: the phone number is not valid (Twilio error 21211)",
      ),
    );
    expect(sms.sent).toHaveLength(0);
  });
});

describe("after a crash in the middle of an attempt", () => {
  it("finds the post Slack already accepted instead of posting the parent and message again", async () =>
    withTestPrisma(db.connection.filePath, async (prisma) => {
      await connect();
      await worker.stop();
      await conversations.receive(inbound("only once"));
      const message = await prisma.message.findFirstOrThrow();
      slack.parents.push({
        channelId: "C1",
        ts: "1.1",
        view: { conversationId: message.conversationId } as ParentView,
      });
      slack.posts.push({
        channelId: "C1",
        threadTs: "1.1",
        ts: "1.2",
        post: { text: "only once", messageId: message.id },
      });
      await prisma.deliveryJob.updateMany({ data: { uncertain: true } });
      await worker.start();
      await vi.waitFor(async () =>
        expect((await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).slackTs).toBe("1.2"),
      );
      expect(slack.parents).toHaveLength(1);
      expect(slack.posts).toHaveLength(1);
    }));

  it("finds the SMS the provider already sent instead of texting the customer twice", async () =>
    withTestPrisma(db.connection.filePath, async (prisma) => {
      await connect();
      await conversations.receive(inbound("hi"));
      await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
      await worker.stop();
      const threadTs = slack.parents[0]?.ts as string;
      await conversations.agentReplied({
        channelId: "C1",
        threadTs,
        ts: "1800000000.000009",
        userId: "U2",
        files: [],
        text: "once",
      });
      const reply = await prisma.message.findFirstOrThrow({ where: { direction: "out" } });
      sms.sent.push({ ...inboundRequest, messageId: reply.id, text: "once" });
      await prisma.deliveryJob.updateMany({ data: { uncertain: true } });
      await worker.start();
      await vi.waitFor(async () =>
        expect((await prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).status).toBe("queued"),
      );
      expect(sms.sent).toHaveLength(1);
    }));
});

const inboundRequest = {
  inboxAddress: "+15550001111",
  contactAddress: "+15551230001",
  index: 0,
  text: "",
  media: [],
  providerMessageId: "SM-before-the-crash",
  messageId: 0,
  lastInboundAt: null,
  replyWindow: null,
  template: null,
};
