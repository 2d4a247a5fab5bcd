import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

const second = "C0SECOND";

let harness: Harness;
let oldThread: string;

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addChannel({ id: second, name: "second", members: [harness.slack.botUserId, agent.id] });
  await harness.connectInbox();
  await harness.sms("Hi there");
  oldThread = (await harness.waitForParent()).ts;
  await waitFor(() => harness.replies(oldThread).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

/** What the agent was told, privately, in a thread. */
const toldInThread = (threadTs: string) =>
  harness.slack.ephemerals.filter((e) => e.user === agent.id && e.thread_ts === threadTs).map((e) => e.text);

describe("a thread the inbox has left", () => {
  it("does not send replies typed there after a move, and tells the agent where the conversation lives", async () => {
    await harness.moveInbox(second);

    // Before the customer writes again, the conversation has no thread in the new channel yet.
    await harness.reply(oldThread, "typed in the old thread");
    const [first] = await waitFor(() => toldInThread(oldThread).length === 1 && toldInThread(oldThread));
    expect(first).toContain(`Not sent to the customer: this conversation now lives in <#${second}>`);

    // Once it has one there, the old thread is still recognised, and still refused.
    await harness.sms("writing again");
    const moved = await harness.waitForParent(second);
    await harness.reply(oldThread, "typed there again");
    const told = await waitFor(() => toldInThread(oldThread).length === 2 && toldInThread(oldThread));
    expect(told[1]).toContain(`now lives in <#${second}>. Continue in its thread there.`);

    await harness.reply(moved.ts, "from the live thread", second);
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.idle();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["from the live thread"]);
    expect(harness.logs.find("reply in a thread the conversation has left; not sent")).toBeDefined();
  });

  it("does not send replies once the inbox is disconnected, and says so", async () => {
    expect(await harness.command("disconnect +15550001111")).toContain("Disconnected");
    await harness.reply(oldThread, "anyone there?");
    const [told] = await waitFor(() => toldInThread(oldThread).length === 1 && toldInThread(oldThread));
    expect(told).toContain("Not sent to the customer: this inbox is disconnected");
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);

    // Connected again to the same channel, the thread is live again.
    await harness.connectInbox();
    await harness.reply(oldThread, "back again");
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "back again"));
  });

  it("refuses Close and Assign on the old parent, saying where the conversation lives", async () => {
    await harness.moveInbox(second);
    const close = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: oldThread,
      user: agent.id,
      actionId: "threadline.close",
    });
    await harness.slack.blockAction(close);
    const select = harness.slack.buildExternalSelect({
      channel: supportChannel,
      messageTs: oldThread,
      user: agent.id,
      actionId: "threadline.assign",
      value: agent.id,
      text: agent.realName,
    });
    await harness.slack.blockAction(select);
    const refusals = await waitFor(() => {
      const found = harness.slack.responses.filter((r) => r.messageTs === oldThread);
      return found.length === 2 && found;
    });
    for (const refusal of refusals) {
      expect(refusal.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
      expect(String(refusal.body.text)).toContain(
        `Nothing was changed: this conversation now lives in <#${second}>`,
      );
    }
    await harness.idle();
    expect(await harness.command("status", second)).toContain("1 open (1 unassigned), 0 closed");
  });
});

describe("a reply under one of the app's own posts that is no conversation", () => {
  it("is not sent, and the agent is told instead of it vanishing", async () => {
    // The move's notice in the old channel is a post of ours whose thread is no conversation.
    await harness.moveInbox(second);
    const notice = await waitFor(() =>
      harness.slack.topLevelMessages(supportChannel).find((message) => message.text.includes("moved")),
    );
    await harness.reply(notice.ts, "does this reach anyone?");
    await waitFor(() => toldInThread(notice.ts).length === 1, { timeoutMs: 10_000 });
    expect(toldInThread(notice.ts)[0]).toContain("Not sent to a customer");
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
  });
});
