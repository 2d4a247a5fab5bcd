import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { Harness, waitFor } from "./harness.js";

/* An attempt whose outcome is unknown marks its job uncertain, and the mark holds until the job is done: when
 * the next attempt's look-up is itself refused, the one after it still looks before acting again. */

let harness: Harness;
let parent: StoredMessage;

beforeEach(async () => {
  harness = await Harness.start();
  await harness.connectInbox();
  await harness.sms("Hello");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const logged = (message: string) => harness.logs.lines.filter((line) => line.msg === message);
const customerTexts = () =>
  harness
    .replies(parent.ts)
    .filter((m) => m.username !== undefined)
    .map((m) => m.text);
const calls = (method: string) => harness.slack.calls.filter((call) => call.method === method);

describe("a look-up refused after an attempt whose outcome is unknown", () => {
  it("Twilio accepted the reply but answered 500, then its message log answered 429: the customer gets it once", async () => {
    harness.twilio.failNext({ status: 500, accepted: "answer_error" });
    harness.twilio.failNextList({ status: 429 });
    await harness.reply(parent.ts, "only once please");
    const sent = await waitFor(() => logged("reply sent to the customer")[0]);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["only once please"]);
    expect(sent).toMatchObject({ resent: 0, foundInLog: 1 });
    const lookups = harness.twilio.requests.filter(
      (r) => r.method === "GET" && r.path.includes("/Messages.json"),
    );
    expect(lookups).toHaveLength(2);
  });

  it("Slack accepted the post but answered 500, then conversations.replies answered 429: posted once", async () => {
    harness.slack.failNext("chat.postMessage", { status: 500, accepted: true });
    harness.slack.failNext("conversations.replies", { retryAfter: 1 });
    await harness.sms("second");
    await waitFor(() => logged("inbound message posted to Slack").length === 2);
    expect(customerTexts()).toEqual(["Hello", "second"]);
    expect(calls("conversations.replies")).toHaveLength(2);
  });
});

describe("the look-up of an uncertain post", () => {
  it("is made once for the job: a 429 on the post after it and the pacing rounds that follow do not repeat it", async () => {
    harness.slack.failNext("chat.postMessage", { status: 503 });
    harness.slack.failNext("chat.postMessage", { retryAfter: 1 });
    await harness.sms("second");
    await waitFor(() => logged("inbound message posted to Slack").length === 2);
    expect(customerTexts()).toEqual(["Hello", "second"]);
    expect(harness.slack.rateLimitedCount).toBe(1);
    expect(calls("conversations.replies")).toHaveLength(1);
  });
});
