import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent, customerNumber, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

/** Texts of a thread's customer messages (the app's own notices excluded). */
const customerTexts = (threadTs: string) =>
  harness
    .replies(threadTs)
    .filter((m) => m.username !== undefined)
    .map((m) => m.text);

describe("exactly one thread per conversation", () => {
  it("20 concurrent first messages from a new number → one parent, 20 replies", async () => {
    await harness.connectInbox();
    const bodies = Array.from({ length: 20 }, (_, i) => `message ${i + 1}`);
    const answers = await Promise.all(bodies.map((body) => harness.sms(body)));
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 20);
    await harness.idle();
    expect(harness.parents()).toHaveLength(1);
    expect([...customerTexts(parent.ts)].sort()).toEqual([...bodies].sort());
  });
});

describe("idempotency", () => {
  beforeEach(() => harness.connectInbox());

  it("the same webhook delivered twice → one Slack message", async () => {
    const first = await harness.sms("only once");
    const again = await harness.sms("only once", { messageSid: first.messageSid });
    expect([first.status, again.status]).toEqual([200, 200]);
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);
    await harness.idle();
    expect(customerTexts(parent.ts)).toEqual(["only once"]);
  });

  it("the same Slack event delivered twice (retry_attempt) → one SMS", async () => {
    await harness.sms("hello");
    const parent = await harness.waitForParent();
    const { ts } = await harness.reply(parent.ts, "one reply");
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.slack.sendEvent(
      {
        type: "message",
        channel: supportChannel,
        channel_type: "channel",
        user: agent.id,
        text: "one reply",
        ts,
        thread_ts: parent.ts,
        event_ts: ts,
      },
      { retryAttempt: 1 },
    );
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });
});

describe("Slack outages and limits", () => {
  beforeEach(() => harness.connectInbox());

  it("Slack answering 503 for a while → every message appears once, in order, after recovery", async () => {
    await harness.sms("before");
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);
    harness.slack.setDown(true);
    for (const body of ["during 1", "during 2", "during 3", "during 4"]) {
      expect((await harness.sms(body)).status).toBe(200);
    }
    await harness.idle();
    expect(customerTexts(parent.ts)).toEqual(["before"]);
    harness.slack.setDown(false);
    await waitFor(() => customerTexts(parent.ts).length === 5, { timeoutMs: 15_000 });
    await harness.idle();
    expect(customerTexts(parent.ts)).toEqual(["before", "during 1", "during 2", "during 3", "during 4"]);
  });

  it("429 with Retry-After at 1 message/second/channel → a 10-message burst arrives complete and in order", async () => {
    await harness.sms("opening");
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);
    harness.slack.rateLimit("chat.postMessage", { perSecond: 1, burst: 2 });
    const bodies = Array.from({ length: 10 }, (_, i) => `burst ${i + 1}`);
    for (const body of bodies) await harness.sms(body);
    await waitFor(() => customerTexts(parent.ts).length === 11, { timeoutMs: 25_000 });
    expect(customerTexts(parent.ts)).toEqual(["opening", ...bodies]);
    expect(harness.slack.rateLimitedCount).toBeGreaterThan(0);
  }, 40_000);

  it("paced at Slack's documented rate (1/s, burst 3) → a 10-message burst arrives in order without a single 429", async () => {
    await harness.stop();
    harness = await Harness.start({ overrides: { slackPace: { perSecond: 1, burst: 3 } } });
    await harness.connectInbox();
    await harness.sms("opening");
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);
    harness.slack.rateLimit("chat.postMessage", { perSecond: 1, burst: 3 });
    const bodies = Array.from({ length: 10 }, (_, i) => `paced ${i + 1}`);
    for (const body of bodies) await harness.sms(body);
    await waitFor(() => customerTexts(parent.ts).length === 11, { timeoutMs: 25_000 });
    expect(customerTexts(parent.ts)).toEqual(["opening", ...bodies]);
    expect(harness.slack.rateLimitedCount).toBe(0);
  }, 40_000);

  it("a channel the app was removed from holds messages, says so in /threadline status, and releases them on reconnect", async () => {
    await harness.sms("first");
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);
    harness.slack.channels.get(supportChannel)?.members.delete(harness.slack.botUserId);
    await harness.sms("while removed 1");
    await harness.sms("while removed 2");
    await waitFor(() => harness.logs.find(/Slack channel unusable/));
    const status = await harness.command("status");
    expect(status).toContain("2 customer messages held: the app is not a member of the Slack channel");
    harness.slack.channels.get(supportChannel)?.members.add(harness.slack.botUserId);
    expect(await harness.command(`connect sms ${inboxNumber}`)).toContain(
      "2 messages that arrived meanwhile",
    );
    await waitFor(() => customerTexts(parent.ts).length === 3);
    expect(customerTexts(parent.ts)).toEqual(["first", "while removed 1", "while removed 2"]);
  });
});

describe("Twilio failures", () => {
  let threadTs: string;

  beforeEach(async () => {
    await harness.connectInbox();
    await harness.sms("hi");
    threadTs = (await harness.waitForParent()).ts;
  });

  it("Twilio answering 500 then 201 → the SMS is sent once", async () => {
    harness.twilio.failNext({ status: 500, code: 20500, message: "Internal Server Error" });
    await harness.reply(threadTs, "retry me");
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.idle();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["retry me"]);
    expect(harness.twilio.requests.filter((r) => r.method === "POST").length).toBe(2);
  });

  it("Twilio answering 400 (21211) → not retried, the agent is told in the thread", async () => {
    harness.twilio.failNext({
      status: 400,
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
    });
    await harness.reply(threadTs, "to a bad number");
    const notice = await waitFor(() =>
      harness.replies(threadTs).find((m) => m.text.startsWith("⚠️ Not delivered to the customer")),
    );
    expect(notice.text).toContain("the phone number is not valid (Twilio error 21211)");
    await harness.idle();
    expect(harness.twilio.requests.filter((r) => r.method === "POST").length).toBe(1);
    expect(harness.twilio.sent).toHaveLength(0);
  });
});

describe("Socket Mode", () => {
  it("reconnects after a disconnect frame and handles the next event", async () => {
    await harness.connectInbox();
    await harness.sms("hi");
    const parent = await harness.waitForParent();
    const before = harness.slack.connectionCount;
    await harness.slack.disconnect("refresh_requested");
    await harness.slack.waitForConnection(before + 1, { timeoutMs: 20_000 });
    await harness.reply(parent.ts, "after the reconnect");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent[0]?.Body).toBe("after the reconnect");
  }, 30_000);

  it("notices a dropped socket, reconnects by itself, and /healthz is ok again", async () => {
    const before = harness.slack.connectionCount;
    harness.slack.dropConnection();
    await waitFor(() => harness.logs.find(/^Slack Socket Mode (reconnecting|disconnected)$/), {
      timeoutMs: 15_000,
    });
    await harness.slack.waitForConnection(before + 1, { timeoutMs: 20_000 });
    await waitFor(async () => (await fetch(`${harness.baseUrl}/healthz`)).status === 200);
  }, 30_000);
});

describe("unconnected numbers", () => {
  it("keeps messages to a number no channel is connected to and posts them, in order, on connect", async () => {
    for (const body of ["early 1", "early 2", "early 3"]) expect((await harness.sms(body)).status).toBe(200);
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
    await harness.connectInbox();
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 3);
    expect(customerTexts(parent.ts)).toEqual(["early 1", "early 2", "early 3"]);
    expect(parent.text).toContain(customerNumber.slice(-4));
  });
});
