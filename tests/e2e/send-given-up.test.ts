import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, supportChannel, waitFor } from "./harness.js";

/* A reply whose send keeps failing (Twilio answers 500) until its attempts run out (here 3, a few ms apart,
 * through the app's delivery overrides) is not dropped with a log line: the thread shows it failed, with the
 * reason and **Send again**, unless the provider's log shows it went out after all. */

let harness: Harness;
let parent: StoredMessage;
const maxAttempts = 3;

beforeEach(async () => {
  harness = await Harness.start({
    overrides: { delivery: { backoff: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts } } },
  });
  await harness.connectInbox();
  await harness.sms("Hello");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const logged = (message: string) => harness.logs.lines.filter((line) => line.msg === message);
const sends = () =>
  harness.twilio.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));
const failedLine = () => harness.replies(parent.ts).find((m) => m.text.startsWith("⚠️"));
const clickSendAgain = (line: StoredMessage) =>
  harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: line.ts,
      user: agent.id,
      actionId: "threadline.sendAgain",
    }),
  );

describe("a reply whose send is given up", () => {
  it("shows ❌ and why in the thread, and Send again delivers it once the provider is back", async () => {
    harness.twilio.failNext({ status: 500, times: maxAttempts });
    const reply = await harness.reply(parent.ts, "are you still there?");
    const line = await waitFor(failedLine);
    expect(line.text).toMatch(
      /^⚠️ Not delivered to the customer: the SMS provider kept failing for (\d+ seconds?|less than a second) \(3 attempts\); it was not sent\.$/,
    );
    expect(JSON.stringify(line.blocks)).toContain("Send again");
    await waitFor(() => harness.slack.reactions.some((r) => r.timestamp === reply.ts && r.name === "x"));
    expect(sends()).toHaveLength(maxAttempts);
    expect(harness.twilio.sent).toEqual([]);
    // Logged once the give-up is settled, which a job queued meanwhile may beat to Slack.
    const gaveUp = await waitFor(() => logged("delivery gave up after too many attempts")[0]);
    expect(gaveUp?.level).toBe(50);
    expect(String(gaveUp?.lost)).toMatch(/^reply \d+ to the customer was given up/);

    // The provider is back (its faults are used up): one click sends it, once.
    await clickSendAgain(line);
    await waitFor(() => logged("reply sent to the customer").length === 1);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["are you still there?"]);
    await waitFor(() => line.text.includes(`<@${agent.id}> sent it again`));
    expect(line.blocks).toBeUndefined();
    expect(sends()).toHaveLength(maxAttempts + 1);
  });

  it("whose last attempt Twilio accepted before answering 500 is found in its log: sent, not offered again", async () => {
    harness.twilio.failNext({ status: 500, times: maxAttempts - 1 });
    harness.twilio.failNext({ status: 500, accepted: "answer_error" });
    await harness.reply(parent.ts, "did this arrive?");
    // The worker logs giving up once the reply's hook has settled it: wait for both lines.
    await waitFor(
      () =>
        logged("reply given up on was found in the provider's log: it went out").length === 1 &&
        logged("delivery gave up after too many attempts").length === 1,
    );
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["did this arrive?"]);
    expect(failedLine()).toBeUndefined();
    expect(JSON.stringify(harness.replies(parent.ts))).not.toContain("Send again");
  });

  it("whose last attempt may have gone out and whose log can't be read: ❓, not ❌", async () => {
    harness.twilio.failNext({ status: 500, times: maxAttempts - 1 });
    harness.twilio.failNext({ status: 500, accepted: "answer_error" });
    // The earlier attempts' look-ups answer; the one made on giving up does not.
    harness.twilio.failNextList({ status: 500, times: 10_000, after: maxAttempts - 1 });
    await harness.reply(parent.ts, "maybe sent");
    const line = await waitFor(() => harness.replies(parent.ts).find((m) => m.text.startsWith("❓")));
    expect(line.text).toContain("could not confirm whether this reply reached the customer");
    expect(failedLine()).toBeUndefined();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["maybe sent"]);
  });
});

describe("a conversation's first message (/threadline text) whose Slack post is given up", () => {
  it("is not sent, and the channel is told once Slack answers again", async () => {
    // Slack refuses the new thread's parent until the attempts run out (a 503 before accepting anything).
    harness.slack.failNext("chat.postMessage", { status: 503, times: maxAttempts });
    expect(await harness.command(`text ${customerNumber} Your table is ready`)).toContain("Sending to");
    const line = await waitFor(() =>
      harness.slack.topLevelMessages(supportChannel).find((m) => m.text.startsWith("⚠️")),
    );
    expect(line.text).toMatch(
      new RegExp(
        `^⚠️ <@${agent.id}>, your first message to \\+15557654321 \\(\`/threadline text\`\\) did not go out: Slack kept failing for (\\d+ seconds?|less than a second) \\(3 attempts\\), so it was not posted in its thread; it was not sent\\. Try \`/threadline text\` again\\.$`,
      ),
    );
    // Logged once the give-up is settled, which a job queued meanwhile may beat to Slack.
    const gaveUp = await waitFor(() => logged("delivery gave up after too many attempts")[0]);
    expect(String(gaveUp?.lost)).toContain("was neither posted in Slack nor sent");
    expect(harness.twilio.sent).toEqual([]);
  });
});
