import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

let harness: Harness;
let threadTs: string;

beforeEach(async () => {
  harness = await Harness.start();
  await harness.connectInbox();
  await harness.sms("Hi there");
  threadTs = (await harness.waitForParent()).ts;
  await waitFor(() => harness.replies(threadTs).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

/** What the agent was told, privately, in a thread. */
const toldInThread = (ts: string) =>
  harness.slack.ephemerals
    .filter((e) => e.user === agent.id && e.thread_ts === ts && e.via === "chat.postEphemeral")
    .map((e) => e.text);

/** An agent's reply, once Twilio has taken it. */
async function sentReply(text: string): Promise<string> {
  const { ts } = await harness.reply(threadTs, text);
  const count = harness.twilio.sent.length;
  await waitFor(() => harness.twilio.sent.length > count || harness.twilio.sent.some((m) => m.Body === text));
  await waitFor(() => harness.logs.lines.some((line) => line.msg === "reply sent to the customer"));
  return ts;
}

describe("edits and deletions of replies", () => {
  it("tells the agent an edit of a sent reply is not sent: the customer keeps the original", async () => {
    const ts = await sentReply("See you at 5pm");
    await harness.slack.editMessage({ channel: supportChannel, ts, text: "See you at 6pm" });
    const [told] = await waitFor(() => toldInThread(threadTs).length === 1 && toldInThread(threadTs));
    expect(told).toContain("Your edit was not sent: the customer already has your original reply");
    expect(told).toContain("Send a correction as a new reply");
    await harness.idle();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["See you at 5pm"]);
  });

  it("tells the agent deleting a sent reply doesn't unsend it", async () => {
    const ts = await sentReply("Wrong customer, sorry");
    await harness.slack.deleteMessage({ channel: supportChannel, ts });
    const [told] = await waitFor(() => toldInThread(threadTs).length === 1 && toldInThread(threadTs));
    expect(told).toContain("Deleting this reply in Slack doesn't unsend it: the customer already has it");
    await harness.idle();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["Wrong customer, sorry"]);
  });

  it("says a reply still on its way is sent as first typed, and sends exactly that", async () => {
    harness.twilio.setDown(true);
    const { ts } = await harness.reply(threadTs, "Your code is 1234");
    await waitFor(() => harness.twilio.requests.some((r) => r.method === "POST"));
    await harness.slack.editMessage({ channel: supportChannel, ts, text: "Your code is 4321" });
    const [edited] = await waitFor(() => toldInThread(threadTs).length === 1 && toldInThread(threadTs));
    expect(edited).toContain("This reply is being sent to the customer as you first typed it");
    await harness.slack.deleteMessage({ channel: supportChannel, ts });
    const told = await waitFor(() => toldInThread(threadTs).length === 2 && toldInThread(threadTs));
    expect(told[1]).toContain("deleting it in Slack doesn't stop it");
    harness.twilio.setDown(false);
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["Your code is 1234"]);
  });

  it("says a failed reply's edit is not sent either, and says nothing about notes, bots or unchanged text", async () => {
    harness.twilio.failNext({
      status: 400,
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
    });
    const { ts } = await harness.reply(threadTs, "to a bad number");
    await waitFor(() => harness.replies(threadTs).some((m) => m.text.startsWith("⚠️ Not delivered")));
    await harness.slack.editMessage({ channel: supportChannel, ts, text: "to a bad number, again" });
    const [told] = await waitFor(() => toldInThread(threadTs).length === 1 && toldInThread(threadTs));
    expect(told).toContain("This reply was not sent to the customer, and neither is the edit");
    await harness.slack.deleteMessage({ channel: supportChannel, ts });

    const note = await harness.reply(threadTs, "note: VIP");
    await harness.slack.editMessage({ channel: supportChannel, ts: note.ts, text: "note: very VIP" });
    await harness.slack.deleteMessage({ channel: supportChannel, ts: note.ts });
    const [customerPost] = harness.replies(threadTs);
    await harness.slack.deleteMessage({ channel: supportChannel, ts: customerPost?.ts as string });
    const sent = await sentReply("all good");
    await harness.slack.editMessage({ channel: supportChannel, ts: sent, text: "all good" });
    await harness.idle();
    expect(toldInThread(threadTs)).toHaveLength(1);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["all good"]);
  });
});

describe("a deleted parent", () => {
  it("starts a fresh parent and thread with the customer's next message (Slack leaves a tombstone)", async () => {
    await harness.slack.deleteMessage({ channel: supportChannel, ts: threadTs });
    await waitFor(() => harness.logs.find(/parent was deleted/));
    await harness.sms("Anyone there?");
    const fresh = await waitFor(() => harness.parents().find((p) => p.ts !== threadTs));
    const [posted] = await waitFor(() => harness.replies(fresh.ts).length === 1 && harness.replies(fresh.ts));
    expect(posted?.text).toBe("Anyone there?");
    expect(harness.replies(threadTs).map((m) => m.text)).toEqual(["Hi there"]);

    // The new thread carries the conversation; the old one is recognised and refused.
    await harness.reply(fresh.ts, "Yes, here!");
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.reply(threadTs, "typed under the tombstone");
    const [told] = await waitFor(() => toldInThread(threadTs).length === 1 && toldInThread(threadTs));
    expect(told).toContain("continues in a newer thread in this channel");
    await harness.idle();
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["Yes, here!"]);
  });

  it("moves on a message_deleted for a parent without replies", async () => {
    const [reply] = harness.replies(threadTs);
    await harness.slack.deleteMessage({ channel: supportChannel, ts: reply?.ts as string });
    await harness.slack.deleteMessage({ channel: supportChannel, ts: threadTs });
    await waitFor(() => harness.logs.find(/parent was deleted/));
    await harness.sms("Hello again");
    const fresh = await waitFor(() => harness.parents()[0]);
    expect(fresh.ts).not.toBe(threadTs);
    await waitFor(() => harness.replies(fresh.ts).some((m) => m.text === "Hello again"));
  });

  it("moves when a post finds the thread gone, though the app never heard of the deletion", async () => {
    // Deleted while the app was offline: Socket Mode does not replay missed events.
    for (const message of harness.slack.messages.filter(
      (m) => m.ts === threadTs || m.thread_ts === threadTs,
    )) {
      message.deleted = true;
    }
    await harness.sms("Still waiting");
    const fresh = await waitFor(() => harness.parents()[0]);
    expect(fresh.ts).not.toBe(threadTs);
    await waitFor(() => harness.replies(fresh.ts).some((m) => m.text === "Still waiting"));
    expect(harness.logs.find("the thread's parent is gone: starting a new thread")).toMatchObject({
      code: "SLACK_thread_not_found",
    });
  });
});
