import { afterEach, describe, expect, it } from "vitest";
import type { StepDefinition } from "../../src/simulators/slack/workflow-runs.js";
import { readManifest } from "../../src/slack/scopes.js";
import {
  agent,
  customerNumber,
  Harness,
  type HarnessOptions,
  inboxNumber,
  supportChannel,
  waitFor,
} from "./harness.js";

/*
 * Threadline's Workflow Builder steps, run as Slack runs them: function_executed over Socket Mode to the real
 * Bolt app, answered with functions.completeSuccess / completeError on the run's own token. The send step is
 * `/threadline text` with the same rules, posted as the workflow's; the close step is the Close button.
 */

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const steps = readManifest().functions ?? {};

let harness: Harness;

async function start(options: HarnessOptions = {}): Promise<void> {
  harness = await Harness.start(options);
  harness.slack.addUser(bruno);
  harness.slack.channels.get(supportChannel)?.members.add(bruno.id);
  await harness.connectInbox();
}

afterEach(async () => {
  await harness.stop();
});

/** Runs a step as Workflow Builder does and waits for the app to end the run. */
async function runStep(callbackId: string, inputs: Record<string, string>) {
  const run = await harness.slack.runWorkflowStep(callbackId, steps[callbackId] as StepDefinition, inputs);
  await waitFor(() => run.state !== "running", { message: `${callbackId} run ended` });
  return run;
}

const sendText = (inputs: Record<string, string>) =>
  runStep("send_text_message", {
    channel_id: supportChannel,
    user_id: agent.id,
    phone_number: customerNumber,
    message: "Your order has shipped!",
    ...inputs,
  });

const closeConversation = (inputs: Record<string, string> = {}) =>
  runStep("close_conversation", {
    channel_id: supportChannel,
    user_id: agent.id,
    phone_number: customerNumber,
    ...inputs,
  });

const stepFailures = () => harness.logs.lines.filter((line) => line.msg === "workflow step failed");

describe("Send a text message", () => {
  it("texts the customer, posts it in the thread as the workflow's, and outputs the thread's link", async () => {
    await start();
    const run = await sendText({});

    expect(run.state).toBe("completed");
    const parent = await harness.waitForParent();
    expect(run.outputs).toEqual({
      thread_url: `https://threadline-test.slack.com/archives/${supportChannel}/p${parent.ts.replace(".", "")}`,
    });
    const [posted] = await waitFor(
      () => harness.replies(parent.ts).length === 1 && harness.replies(parent.ts),
    );
    expect(posted).toMatchObject({ text: "Your order has shipped!", username: "Workflow (run by Ana)" });
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({ From: inboxNumber, To: customerNumber, Body: "Your order has shipped!" });

    // Completed with the run's own token, as Bolt does with the event's bot_access_token.
    const completion = harness.slack.calls.find((call) => call.method === "functions.completeSuccess");
    expect(completion?.headers.authorization).toBe(`Bearer ${run.token}`);

    // The customer's answer lands in the same thread.
    await harness.sms("Thanks!");
    await waitFor(() => harness.replies(parent.ts).length === 2);
    expect(harness.parents()).toHaveLength(1);
  });

  it("keeps what it did, and logs it, when Slack refuses to hear how the step ended", async () => {
    await start();
    harness.slack.failNext("functions.completeSuccess", { error: "internal_error" });
    const run = await harness.slack.runWorkflowStep(
      "send_text_message",
      steps.send_text_message as StepDefinition,
      {
        channel_id: supportChannel,
        user_id: agent.id,
        phone_number: customerNumber,
        message: "Your order has shipped!",
      },
    );
    await waitFor(() => harness.logs.find("could not tell Slack how the workflow step ended"));
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(run.state).toBe("running");
    // Still answering: the next run completes.
    expect((await sendText({ message: "Tracking: 1Z999" })).state).toBe("completed");
  });

  it("texts from the sending number it is given", async () => {
    await start();
    await harness.connectInbox("+15550002222");
    const run = await sendText({ from_number: "+15550002222" });
    expect(run.state).toBe("completed");
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({ From: "+15550002222", To: customerNumber });
  });

  it("refuses, with a reason and a log line, whoever /threadline text would refuse, and sends nothing", async () => {
    await start({ environment: { THREADLINE_SENDERS: agent.id } });
    harness.slack.addChannel({ id: "C0EMPTY", name: "empty", members: [agent.id, harness.slack.botUserId] });

    const notSender = await sendText({ user_id: bruno.id });
    expect(notSender).toMatchObject({
      state: "failed",
      error: `Only some people may text customers first from Slack (THREADLINE_SENDERS): <@${agent.id}>. Ask one of them. Nothing was sent.`,
    });
    const abroad = await sendText({ phone_number: "+447700900123" });
    expect(abroad.error).toBe(
      "+44 7700 900123 is a number in United Kingdom (GB). Texts from Slack may go only to numbers in: United States (US) (the countries of the connected numbers). Nothing was sent.",
    );
    const badNumber = await sendText({ phone_number: "call me" });
    expect(badNumber.error).toMatch(/^`call me` is not a phone number I can text\./);
    const noInbox = await sendText({ channel_id: "C0EMPTY" });
    expect(noInbox.error).toMatch(
      /^Nothing is connected to this channel, so there is no number to text from\./,
    );
    const noMessage = await sendText({ message: "  " });
    expect(noMessage.error).toMatch(/^Say what to send/);
    const noChannel = await runStep("send_text_message", { phone_number: customerNumber, message: "Hi" });
    expect(noChannel.error).toBe(
      "The step needs the channel whose inbox it uses (channel_id) and the person running the workflow (user_id).",
    );

    expect(stepFailures()).toHaveLength(5);
    expect(stepFailures()[0]).toMatchObject({ userId: bruno.id, step: "send" });
    // Logged without the customer's number.
    expect(JSON.stringify(stepFailures())).not.toMatch(/7700 ?900 ?123/);
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
    expect(harness.parents()).toEqual([]);
  });
});

describe("Send a text message while Slack won't take posts", () => {
  it("fails saying the message still goes out, then posts and sends it once when Slack is back", async () => {
    await start({
      overrides: {
        workflowSteps: { threadWaitMs: 300, threadPollMs: 20 },
        delivery: { sweepMs: 50, backoff: { baseDelayMs: 50, maxDelayMs: 200 } },
      },
    });
    harness.slack.failNext("chat.postMessage", { times: 1_000, error: "internal_error" });

    const run = await sendText({});
    expect(run).toMatchObject({
      state: "failed",
      error:
        "The message is recorded and goes out once Slack takes its post in the thread, but that did not happen in time for a link to it. Don't run the step again: it would send the message twice.",
    });
    expect(harness.twilio.sent).toEqual([]);

    harness.slack.clearFaults("chat.postMessage");
    const parent = await waitFor(() => harness.parents()[0], { timeoutMs: 15_000 });
    await waitFor(() => harness.twilio.sent.length === 1, { timeoutMs: 15_000 });
    await harness.idle();
    expect(harness.replies(parent.ts).map((reply) => reply.username)).toEqual(["Workflow (run by Ana)"]);
    expect(harness.twilio.sent.map((sent) => sent.Body)).toEqual(["Your order has shipped!"]);
  });
});

describe("Close a conversation", () => {
  it("closes the number's open conversation as the workflow, and says so in the thread", async () => {
    await start();
    await harness.sms("Where is my order?");
    const parent = await harness.waitForParent();

    const run = await closeConversation();
    expect(run).toMatchObject({ state: "completed", outputs: {} });
    await waitFor(() =>
      harness
        .replies(parent.ts)
        .some((reply) => reply.text === `A workflow run by <@${agent.id}> closed this conversation.`),
    );

    // Closed now: a second run has nothing to close, and says so.
    const again = await closeConversation();
    expect(again).toMatchObject({
      state: "failed",
      error: `${customerNumber} has no open conversation in <#${supportChannel}>, so nothing was closed.`,
    });
    expect(stepFailures().at(-1)).toMatchObject({
      step: "close",
      reason: expect.stringMatching(/^<number> has no/),
    });
  });

  it("refuses a number that is not one, a channel with no number, and someone outside the channel", async () => {
    await start();
    await harness.sms("Hello?");
    await harness.waitForParent();
    harness.slack.addChannel({ id: "C0EMPTY", name: "empty", members: [agent.id, harness.slack.botUserId] });
    harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });

    expect((await closeConversation({ phone_number: "soon" })).error).toBe(
      "`soon` is not a phone number. Use the international format (+ and country code), e.g. +15557654321.",
    );
    expect((await closeConversation({ channel_id: "C0EMPTY" })).error).toBe(
      "<#C0EMPTY> has no number connected, so it has no text conversations to close.",
    );
    expect((await closeConversation({ user_id: "U0OUTSIDE" })).error).toMatch(/Nothing was changed\.$/);
    expect(stepFailures()).toHaveLength(3);
    await harness.idle();
    expect(harness.replies((await harness.waitForParent()).ts).some((r) => /closed/.test(r.text))).toBe(
      false,
    );
  });
});
