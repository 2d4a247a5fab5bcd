import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appLogger } from "../../src/app.js";
import {
  CapturedLogs,
  customerNumber,
  Harness,
  inboxNumber,
  publicUrl,
  supportChannel,
  waitFor,
} from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

async function scrape(): Promise<string> {
  const answer = await fetch(harness.metricsUrl);
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toContain("text/plain");
  return answer.text();
}

/** The value of one sample, e.g. value(text, 'threadline_messages_total{direction="in",…}'). */
function value(metrics: string, sample: string): number | undefined {
  const line = metrics.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe("GET /metrics", () => {
  it("counts messages in and out by channel and result, and provider errors by code", async () => {
    await harness.connectInbox();
    const first = await harness.sms("Hello");
    await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: inboxNumber,
      body: "Hello",
      messageSid: first.messageSid,
    });
    const parent = await harness.waitForParent();
    await harness.reply(parent.ts, "Hi!");
    await waitFor(() => harness.twilio.sent.length === 1);
    harness.twilio.failNext({ status: 400, code: 21610 });
    await harness.reply(parent.ts, "Are you there?");
    await waitFor(() => harness.logs.find("reply not delivered"));

    const metrics = await scrape();
    const messages = (labels: string) => value(metrics, `threadline_messages_total{${labels}}`);
    expect(messages('direction="in",channel="sms",result="recorded"')).toBe(1);
    expect(messages('direction="in",channel="sms",result="duplicate"')).toBe(1);
    expect(messages('direction="out",channel="sms",result="sent"')).toBe(1);
    expect(messages('direction="out",channel="sms",result="failed"')).toBe(1);
    expect(value(metrics, 'threadline_external_errors_total{service="twilio",code="TWILIO_21610"}')).toBe(1);
  });

  it("observes delivery latency, counts Slack errors by code, and shows the socket state", async () => {
    await harness.connectInbox();
    harness.slack.failNext("chat.postMessage", { error: "internal_error" });
    await harness.sms("Hello");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length === 1);
    // The job is counted when it completes, just after Slack has the post.
    const done = 'threadline_delivery_jobs_total{kind="slack.postInbound",outcome="done"}';
    await waitFor(async () => value(await scrape(), done) === 1);

    const metrics = await scrape();
    expect(
      value(metrics, 'threadline_external_errors_total{service="slack",code="SLACK_internal_error"}'),
    ).toBe(1);
    expect(value(metrics, 'threadline_delivery_jobs_total{kind="slack.postInbound",outcome="retry"}')).toBe(
      1,
    );
    expect(value(metrics, 'threadline_delivery_jobs_total{kind="slack.postInbound",outcome="done"}')).toBe(1);
    expect(
      value(metrics, 'threadline_delivery_latency_seconds_count{kind="slack.postInbound",outcome="done"}'),
    ).toBe(1);
    expect(metrics).toContain("# TYPE threadline_delivery_latency_seconds histogram");
    expect(value(metrics, 'threadline_slack_socket_state{state="connected"}')).toBe(1);
    expect(value(metrics, 'threadline_slack_socket_state{state="disconnected"}')).toBe(0);
    expect(metrics).toContain("process_resident_memory_bytes");
  });

  it("reports the queue's depth and the age of its oldest item, read at scrape time", async () => {
    // No channel is connected yet: the message's job is parked until one is.
    await harness.sms("Anyone?");
    await waitFor(() => harness.logs.find("delivery job parked"));
    // Read at scrape time: the oldest item's age grows while it waits.
    const waiting = await waitFor(async () => {
      const metrics = await scrape();
      return (value(metrics, "threadline_delivery_queue_oldest_age_seconds") ?? 0) >= 1 && metrics;
    });
    expect(value(waiting, 'threadline_delivery_queue_depth{state="parked"}')).toBe(1);
    expect(value(waiting, "threadline_delivery_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(1);

    await harness.connectInbox();
    await harness.waitForParent();
    await waitFor(async () => {
      const metrics = await scrape();
      return (
        value(metrics, 'threadline_delivery_queue_depth{state="parked"}') === 0 &&
        value(metrics, 'threadline_delivery_queue_depth{state="pending"}') === 0
      );
    });
    const drained = await scrape();
    expect(value(drained, 'threadline_delivery_queue_depth{state="pending"}')).toBe(0);
    expect(value(drained, "threadline_delivery_queue_oldest_age_seconds")).toBe(0);
  });
});

describe("logs", () => {
  it("are JSON lines naming the conversation, and never contain tokens, secrets or signatures", async () => {
    // The app's own logger (with its redaction) at debug, the level that logs the most.
    await harness.stop();
    const logs = new CapturedLogs();
    harness = await Harness.start({ overrides: { logger: appLogger("debug", logs.stream) } });
    await harness.connectInbox();
    const inbound = await harness.sms("Hello");
    const parent = await harness.waitForParent();
    await harness.reply(parent.ts, `Hi! (token test ${harness.slack.botToken})`);
    await waitFor(() => harness.twilio.sent.length === 1);
    harness.twilio.failNext({ status: 400, code: 21211 });
    await harness.reply(parent.ts, "Second");
    await waitFor(() => logs.find("reply not delivered"));
    const close = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: "U0AGENT",
      actionId: "threadline.close",
    });
    await harness.slack.blockAction(close);
    await waitFor(() => logs.find("notice posted in the thread"));
    const forged = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: inboxNumber,
      body: "forged",
      signature: "Zm9yZ2VkLXNpZ25hdHVyZQ==",
    });
    expect(forged.status).toBe(403);
    const viewAll = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: "U0AGENT",
      actionId: "threadline.transcript_link",
    });
    await harness.slack.blockAction(viewAll);
    const answer = await waitFor(() => harness.slack.ephemerals.find((e) => e.text.includes("sig=")));
    const link = answer.text.match(/sig=(\d+\.[\w-]+)/)?.[1] ?? "";
    expect(link).not.toBe("");
    await fetch(`${harness.baseUrl}/conversations/1?sig=${link}`);

    const withConversation = (msg: string) =>
      logs.lines.filter((line) => line.msg === msg).every((line) => line.conversationId === 1);
    for (const msg of [
      "inbound message recorded",
      "thread started",
      "inbound message posted to Slack",
      "agent reply recorded",
      "reply sent to the customer",
      "reply not delivered",
      "conversation closed",
      "parent updated",
      "notice posted in the thread",
      "transcript link given",
      "transcript viewed",
    ]) {
      expect(logs.find(msg), msg).toBeDefined();
      expect(withConversation(msg), msg).toBe(true);
    }
    expect(logs.find("Twilio webhook: signature rejected")).toBeDefined();

    const everything = JSON.stringify(logs.lines);
    expect(logs.lines.some((line) => line.component === "bolt" && line.level === 20)).toBe(true);
    const signatureOfInbound = harness.twilio.signature(`${publicUrl}/webhooks/twilio`, inbound.params);
    for (const secret of [
      harness.slack.botToken,
      harness.slack.appToken,
      harness.twilio.authToken,
      link.split(".")[1] as string,
      signatureOfInbound,
      "Zm9yZ2VkLXNpZ25hdHVyZQ==",
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it("name a slash command's verb and how many words followed, never its numbers or text", async () => {
    await harness.connectInbox();
    const from = harness.logs.lines.length;
    const typed = [
      "text +15559876543 Your biopsy results are ready",
      "text 5559876543",
      "text +15559876543 template: HX0123 Ana",
      "find biopsy results",
      "Smithson",
    ];
    for (const text of typed) await harness.command(text);
    await waitFor(
      () =>
        harness.logs.lines.slice(from).filter((line) => line.msg === "slash command answered").length === 5,
    );

    const answered = harness.logs.lines.slice(from).filter((line) => line.msg === "slash command answered");
    expect(answered.map((line) => [line.verb, line.argumentCount])).toEqual([
      ["text", 6],
      ["text", 1],
      ["text", 4],
      ["find", 2],
      ["unknown", 0],
    ]);
    const atInfo = JSON.stringify(harness.logs.lines.filter((line) => line.level >= 30));
    for (const secret of ["5559876543", "biopsy", "Smithson", "HX0123"]) expect(atInfo).not.toContain(secret);
  });

  it("believe a forwarded client address only from the proxies TRUST_PROXY names", async () => {
    const loggedAddress = async () => {
      const before = harness.logs.lines.length;
      const answer = await fetch(`${harness.baseUrl}/media/${"x".repeat(32)}`, {
        headers: { "x-forwarded-for": "203.0.113.7" },
      });
      expect(answer.status).toBe(404);
      const line = await waitFor(() =>
        harness.logs.lines.slice(before).find((l) => l.msg === "media link unknown or expired"),
      );
      return line.ip;
    };
    expect(await loggedAddress()).toBe("127.0.0.1");

    for (const [trustProxy, address] of [
      ["1", "203.0.113.7"],
      ["10.0.0.1", "127.0.0.1"],
      ["127.0.0.1", "203.0.113.7"],
      ["loopback", "203.0.113.7"],
    ]) {
      await harness.stop();
      harness = await Harness.start({ environment: { TRUST_PROXY: trustProxy as string } });
      expect(await loggedAddress(), `TRUST_PROXY=${trustProxy}`).toBe(address);
    }
  });
});
