import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatedUser, StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

/* `later <when>: …` in a conversation's thread: scheduled in the writer's Slack time zone, shown with a Cancel
 * button, sent at its time as a normal reply (outbox, opt-out checks then), durable across restarts. */

const hourMs = 3_600_000;
const colleague = "U0COLLEAGUE";
const outsider = "U0OUTSIDER";

let harness: Harness;
/** How far the app's clock is ahead of the wall clock. */
let ahead = 0;
let parent: StoredMessage;
const clock = () => Date.now() + ahead;

beforeEach(async () => {
  ahead = 0;
  harness = await Harness.start({
    // A short sweep, so a send whose time the moved clock has reached is picked up at once.
    overrides: { now: clock, delivery: { sweepMs: 50, backoff: { baseDelayMs: 50, maxDelayMs: 400 } } },
  });
  (harness.slack.users.get(agent.id) as SimulatedUser).tz = "Asia/Tokyo";
  harness.slack.addUser({ id: colleague, name: "cole", realName: "Cole League" });
  harness.slack.addUser({ id: outsider, name: "olga", realName: "Olga Out" });
  await harness.slack.joinChannel({ channel: supportChannel, user: colleague });
  await harness.connectInbox();
  await harness.sms("Where is my order?");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const lineOf = () =>
  harness.replies(parent.ts).find((m) => m.text.startsWith("🕘") || m.text.startsWith("🚫"));
const toldInThread = (user = agent.id) =>
  harness.slack.ephemerals.filter((e) => e.user === user && e.thread_ts === parent.ts).map((e) => e.text);

/** The Tokyo wall clock of `instant` as "Tue 9:00 AM". */
const tokyo = (instant: number) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Tokyo",
    weekday: "short",
    hour: "numeric",
    minute: "2-digit",
  })
    .format(new Date(instant))
    .replace(/\u202f/g, " ");

async function clickCancel(user: string) {
  const line = await waitFor(() => lineOf());
  const before = harness.slack.responses.length;
  await harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: line.ts,
      user,
      actionId: "threadline.cancelScheduled",
    }),
  );
  return String((await waitFor(() => harness.slack.responses[before])).body.text);
}

describe("scheduled messages", () => {
  it("are sent at their time in the writer's time zone, once, and the line says so", async () => {
    // Tomorrow 9:00 in Tokyo, from the Tokyo date of the app's clock.
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", dateStyle: "short" }).format(
      clock(),
    );
    const [year, month, day] = parts.split("-").map(Number) as [number, number, number];
    const due = Date.UTC(year, month - 1, day + 1, 0, 0); // 09:00 JST

    await harness.reply(parent.ts, "later tomorrow 9am: Your order ships today");
    const line = await waitFor(() => lineOf());
    expect(line.text).toBe(`🕘 Scheduled for ${tokyo(due)} by <@${agent.id}>.`);
    expect(tokyo(due)).toMatch(/^\w{3} 9:00 AM$/);
    expect(JSON.stringify(line.blocks)).toContain("threadline.cancelScheduled");

    const home = () => JSON.stringify(harness.slack.homes.get(agent.id)?.view ?? {});
    await harness.slack.openHome(agent.id);
    await waitFor(() => home().includes("Your scheduled messages"));
    expect(home()).toContain("|Your order ships today>");

    // A minute early it is still waiting, and still listed.
    ahead = due - Date.now() - 60_000;
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
    await harness.slack.openHome(agent.id);
    await waitFor(() => harness.slack.homes.get(agent.id)?.version === 2);
    expect(home()).toContain("Your scheduled messages");

    ahead = due - Date.now() + 1_000;
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({ From: inboxNumber, To: customerNumber, Body: "Your order ships today" });
    await waitFor(() => lineOf()?.text === `🕘 Sent as scheduled for ${tokyo(due)} by <@${agent.id}>.`);
    // The home the person opened is published again without it.
    await waitFor(() => !home().includes("Your scheduled messages"));
    expect(lineOf()?.blocks ?? []).toEqual([]);
    await harness.statusCallback(sent.sid as string, "delivered");
    const written = harness.replies(parent.ts).find((m) => m.text.startsWith("later tomorrow"));
    await waitFor(() =>
      harness.slack.reactions.some((r) => r.timestamp === written?.ts && r.name === "white_check_mark"),
    );
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("are kept with their send in one commit: when the send can't be written, nothing is listed as scheduled", async () => {
    // A failure between the row and its send job: the database refuses the job, as a full disk would.
    const file = harness.databaseUrl.slice("file:".length);
    const db = new Database(file);
    db.exec(`CREATE TRIGGER "refuse_scheduled_send" BEFORE INSERT ON "DeliveryJob"
      WHEN NEW."kind" = 'customer.scheduled' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    db.close();
    // Not acknowledged, so Slack would deliver the event again.
    await expect(harness.reply(parent.ts, "later in 2h: Checking in")).rejects.toThrow(/no ack/);
    await harness.idle();
    expect(lineOf()).toBeUndefined();
    await harness.slack.openHome(agent.id);
    const home = await waitFor(() => harness.slack.homes.get(agent.id)?.view);
    expect(JSON.stringify(home)).not.toContain("Your scheduled messages");
  });

  it("survive a restart: a message due while the app was down is sent when it is back, once", async () => {
    await harness.reply(parent.ts, "later in 2h: Checking in");
    await waitFor(() => lineOf()?.text.startsWith("🕘 Scheduled for"));
    await harness.app.stop();
    ahead = 3 * hourMs;
    await harness.startApp();
    await waitFor(() => harness.twilio.sent[0]?.Body === "Checking in");
    await waitFor(() => lineOf()?.text.startsWith("🕘 Sent as scheduled"));
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("can be cancelled by anyone in the channel, not by someone outside it; the line says who cancelled", async () => {
    await harness.reply(parent.ts, "later in 30m: Are you still there?");
    expect(await clickCancel(outsider)).toBe(
      `Only members of <#${supportChannel}> can cancel its scheduled messages; join the channel first. Nothing was cancelled.`,
    );
    expect(harness.logs.find("scheduled message cancel refused")).toBeDefined();
    expect(lineOf()?.text).toMatch(/^🕘 Scheduled for/);

    expect(await clickCancel(colleague)).toBe("Cancelled: this message will not be sent.");
    await waitFor(
      () => lineOf()?.text === `🚫 Scheduled message cancelled by <@${colleague}>: it will not be sent.`,
    );
    ahead = hourMs;
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
    expect(harness.logs.find("scheduled message not sent: it was cancelled")).toBeDefined();
  });

  it("are checked when sent: a customer who opted out meanwhile gets nothing, and the thread says why", async () => {
    await harness.reply(parent.ts, "later in 1h: Your refund is done");
    await waitFor(() => lineOf());
    await harness.sms("STOP");
    await waitFor(() =>
      harness.replies(parent.ts).some((m) => m.text.startsWith("🚫 The customer opted out")),
    );
    ahead = 2 * hourMs;
    await waitFor(() =>
      harness
        .replies(parent.ts)
        .some((m) => m.text.startsWith("⚠️ Not sent to the customer: the customer has opted out")),
    );
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
  });

  it("can be a saved reply, filled in when scheduled and shown on the line; an unknown one schedules nothing", async () => {
    await harness.command("snippet add hours Hi {first_name}, we open at 9.");
    await harness.reply(parent.ts, "later in 1h: ;hours See you then.");
    await waitFor(() =>
      lineOf()?.text.endsWith(`by <@${agent.id}>:\n> Hi there, we open at 9. See you then.`),
    );
    await harness.reply(parent.ts, "later in 1h: ;nope");
    await waitFor(() =>
      toldInThread().includes(
        "Not sent to the customer: there is no saved reply `nope` in this channel. `/threadline snippets` lists them.",
      ),
    );
    ahead = 2 * hourMs;
    await waitFor(() => harness.twilio.sent[0]?.Body === "Hi there, we open at 9. See you then.");
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("refuse a time that has passed or can't be read, with a clear answer, and schedule nothing", async () => {
    await harness.reply(parent.ts, "later today 00:00: Good morning");
    await waitFor(() =>
      toldInThread().some((t) => /^Not scheduled: .* 12:00 AM has passed, so nothing was scheduled/.test(t)),
    );
    await harness.reply(parent.ts, "later soonish: Hello");
    await waitFor(() =>
      toldInThread().some((t) =>
        t.startsWith("Not scheduled: I can't read `soonish` as a time. Say `later 9am: …`"),
      ),
    );
    await harness.reply(parent.ts, "later in 2h:");
    await waitFor(() =>
      toldInThread().includes("Not scheduled: there is nothing to send after `later <when>:`."),
    );
    await harness.idle();
    expect(lineOf()).toBeUndefined();
    ahead = 3 * hourMs;
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
    expect(harness.logs.find("scheduled message refused")).toBeDefined();
  });
});
