import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/* An uncertain attempt's look-up for its earlier attempt that fails, with any error, is retried for a bounded
 * time (here 600 ms); when it still cannot answer, a Slack post goes ahead and a customer send waits for a person. */

let harness: Harness;
let parent: StoredMessage;
const lookupPatienceMs = 600;
const outsider = { id: "U0OUTSIDER", name: "olga" };

beforeEach(async () => {
  harness = await Harness.start({
    overrides: { delivery: { backoff: { baseDelayMs: 50, maxDelayMs: 400 }, lookupPatienceMs } },
  });
  harness.slack.addUser(outsider);
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
const logReads = () =>
  harness.twilio.requests.filter((r) => r.method === "GET" && r.path.includes("/Messages.json"));
const clickSendAgain = (line: StoredMessage, user = agent.id) =>
  harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: line.ts,
      user,
      actionId: "threadline.sendAgain",
    }),
  );

describe("a Slack post whose earlier attempt cannot be looked for", () => {
  it("conversations.replies answers unknown_method: the look-up is retried, then the customer's message is posted anyway", async () => {
    harness.slack.failNext("chat.postMessage", { status: 503 });
    harness.slack.failNext("conversations.replies", { error: "unknown_method", times: 10_000 });
    await harness.sms("do not lose me");
    await waitFor(() => logged("inbound message posted to Slack").length === 2);
    expect(customerTexts()).toEqual(["Hello", "do not lose me"]);
    expect(calls("conversations.replies").length).toBeGreaterThan(1);
    expect(logged("delivery failed permanently")).toEqual([]);
    const [goingAhead] = logged(
      "could not find out whether an earlier attempt already posted this; posting it (it may show twice)",
    );
    expect(goingAhead?.reason).toContain("unknown_method");
  });

  it("a look-up refused for missing_scope, then answered: the earlier post is found and not repeated", async () => {
    harness.slack.failNext("chat.postMessage", { status: 500, accepted: true });
    harness.slack.failNext("conversations.replies", { error: "missing_scope", times: 2 });
    await harness.sms("once");
    await waitFor(() => logged("inbound message posted to Slack").length === 2);
    expect(customerTexts()).toEqual(["Hello", "once"]);
    expect(calls("conversations.replies")).toHaveLength(3);
  });
});

describe("a customer send whose provider log cannot be read", () => {
  async function unconfirmedReply(text: string) {
    harness.twilio.failNext({ status: 500, accepted: "answer_error" });
    harness.twilio.failNextList({ status: 500, times: 10_000 });
    const reply = await harness.reply(parent.ts, text);
    const line = await waitFor(() => harness.replies(parent.ts).find((m) => m.text.startsWith("❓")));
    return { reply, line };
  }

  it("is not sent blindly: the thread says the provider could not confirm it, with a Send again button", async () => {
    const { reply, line } = await unconfirmedReply("did this arrive?");
    expect(line.text).toContain("The SMS provider could not confirm whether this reply reached the customer");
    expect(JSON.stringify(line.blocks)).toContain("Send again");
    await waitFor(() =>
      harness.slack.reactions.some((r) => r.timestamp === reply.ts && r.name === "grey_question"),
    );
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["did this arrive?"]);
    expect(logReads().length).toBeGreaterThan(1);
    expect(
      logged("could not confirm whether the reply went out; not sending it again until someone asks"),
    ).toHaveLength(1);

    // Someone outside the channel can't send it; a member can, once, however many times it is clicked.
    await clickSendAgain(line, outsider.id);
    const refusal = await waitFor(() => harness.slack.responses.find((r) => r.kind === "action"));
    expect(String(refusal.body.text)).toContain("Only members of <#C0SUPPORT>");
    expect(harness.twilio.sent).toHaveLength(1);
    await Promise.all([clickSendAgain(line), clickSendAgain(line)]);
    await waitFor(() => harness.twilio.sent.length === 2);
    await waitFor(() => logged("reply sent to the customer").length === 1);
    await waitFor(() => line.text.includes(`<@${agent.id}> sent it again`));
    expect(line.blocks).toBeUndefined();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["did this arrive?", "did this arrive?"]);
  });
});
