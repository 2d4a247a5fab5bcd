import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResponseUrlPost, SimulatedUser, StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

const hourMs = 3_600_000;
const reminderLine = `⏰ <@${agent.id}>, you asked to be reminded about this conversation.`;

let harness: Harness;
/** How far the app's clock (worker, handlers, reminders) is ahead of the wall clock. */
let ahead = 0;
let parent: StoredMessage;

const clock = () => Date.now() + ahead;

beforeEach(async () => {
  ahead = 0;
  harness = await Harness.start({
    // A short sweep, so a reminder whose time the moved clock has reached is picked up at once.
    overrides: { now: clock, delivery: { sweepMs: 50, backoff: { baseDelayMs: 50, maxDelayMs: 400 } } },
  });
  (harness.slack.users.get(agent.id) as SimulatedUser).tz = "Asia/Tokyo";
  await harness.connectInbox();
  await harness.sms("Call me back tomorrow?");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

/** The agent picks "Remind me …" on the parent; resolves with the answer shown just to them. */
async function remind(choice: "in1h" | "in3h" | "tomorrow" | "monday"): Promise<ResponseUrlPost> {
  const before = harness.slack.responses.length;
  await harness.slack.blockAction(
    harness.slack.buildOverflowChoice({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.remind",
      value: choice,
    }),
  );
  return waitFor(() => harness.slack.responses[before]);
}

/** The time a confirmation names, from its `<!date^seconds^…>`. */
function confirmedTime(answer: ResponseUrlPost): Date {
  const match = /<!date\^(\d+)\^/.exec(String(answer.body.text));
  if (!match) throw new Error(`no time in ${String(answer.body.text)}`);
  return new Date(Number(match[1]) * 1000);
}

const inTokyo = (date: Date) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Tokyo",
    weekday: "long",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);

const threadLines = () => harness.replies(parent.ts).map((m) => m.text);

describe("reminders", () => {
  it("answers with the time, then mentions the person in the thread when it comes", async () => {
    const setAt = clock();
    const answer = await remind("in1h");
    expect(answer.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(answer.body.text).toContain("I'll remind you in this thread");
    expect(answer.body.text).toContain("It won't fire if the conversation is closed by then.");
    const due = confirmedTime(answer).getTime();
    expect(due).toBeGreaterThanOrEqual(Math.floor((setAt + hourMs) / 1000) * 1000);
    expect(due).toBeLessThanOrEqual(clock() + hourMs);

    // Listed in App Home until it fires.
    await harness.slack.openHome(agent.id);
    await waitFor(() => JSON.stringify(harness.slack.homes.get(agent.id)?.view).includes("<!date^"));
    expect(JSON.stringify(harness.slack.homes.get(agent.id)?.view)).toContain("*1* reminder");

    // A minute early it is still waiting (App Home reads the queue).
    ahead = hourMs - 60_000;
    await harness.slack.openHome(agent.id);
    await waitFor(() => harness.slack.homes.get(agent.id)?.version === 2);
    expect(JSON.stringify(harness.slack.homes.get(agent.id)?.view)).toContain("*1* reminder");
    expect(threadLines()).not.toContain(reminderLine);
    ahead = hourMs + 1_000;
    await waitFor(() => threadLines().includes(reminderLine));
    expect(harness.logs.find("reminder due: its line goes to the thread")).toBeDefined();
    // The home the person opened a moment ago is published again without the reminder, without reopening it.
    await waitFor(() => harness.slack.homes.get(agent.id)?.version === 3);
    expect(JSON.stringify(harness.slack.homes.get(agent.id)?.view)).toContain("*0* reminders");
  });

  it("computes 'tomorrow' and 'next Monday' at 09:00 in the person's Slack time zone", async () => {
    const tomorrow = confirmedTime(await remind("tomorrow"));
    expect(inTokyo(tomorrow)).toMatch(/ 09:00$/);
    expect(tomorrow.getTime() - clock()).toBeLessThanOrEqual(33 * hourMs);
    expect(tomorrow.getTime() - clock()).toBeGreaterThan(0);
    const monday = confirmedTime(await remind("monday"));
    expect(inTokyo(monday)).toBe("Monday 09:00");
    expect(monday.getTime() - clock()).toBeLessThanOrEqual(8 * 24 * hourMs);
  });

  it("says the time is in UTC when the person's time zone can't be read", async () => {
    (harness.slack.users.get(agent.id) as SimulatedUser).tz = "Not/A_Zone";
    const answer = await remind("tomorrow");
    expect(answer.body.text).toContain("your Slack time zone could not be read, so times are in UTC");
    expect(confirmedTime(answer).getUTCHours()).toBe(9);
  });

  it("does not fire when the conversation was closed in the meantime", async () => {
    await remind("in3h");
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: parent.ts,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    await waitFor(() => threadLines().includes(`<@${agent.id}> closed this conversation.`));
    ahead = 3 * hourMs + 1_000;
    await waitFor(() => harness.logs.find("reminder dropped: the conversation is closed"));
    expect(threadLines()).not.toContain(reminderLine);
    // A closed conversation's parent offers no reminder.
    const current = harness.slack.messages.find((m) => m.ts === parent.ts) as StoredMessage;
    expect(JSON.stringify(current.blocks)).not.toContain("threadline.remind");
  });

  it("does not fire for someone who left the conversation's channel in the meantime", async () => {
    await remind("in1h");
    await harness.slack.leaveChannel({ channel: supportChannel, user: agent.id });
    ahead = hourMs + 1_000;
    await waitFor(() =>
      harness.logs.find("reminder dropped: the person is no longer in the conversation's channel"),
    );
    expect(threadLines()).not.toContain(reminderLine);
  });

  it("survives a restart: a reminder due while the app was down fires when it is back", async () => {
    await remind("in1h");
    await harness.app.stop();
    ahead = 2 * hourMs;
    await harness.startApp();
    await waitFor(() => threadLines().includes(reminderLine));
  });

  it("refuses a reminder on a thread its inbox has left, saying why", async () => {
    harness.slack.addChannel({ id: "C0NEW", name: "new-home", members: [harness.slack.botUserId, agent.id] });
    await harness.moveInbox("C0NEW");
    const answer = await remind("in1h");
    expect(answer.body.text).toContain("No reminder was set: this conversation now lives in <#C0NEW>");
    expect(harness.logs.find("reminder refused")).toMatchObject({ user: agent.id, choice: "in1h" });
  });
});
