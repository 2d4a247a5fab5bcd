import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { TranscriptSigner } from "../../src/http/transcript/signing.js";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

let harness: Harness | undefined;
/** How far the app's clock is from the wall clock: tests put it on chosen days and move it. */
let ahead = 0;
const clock = () => Date.now() + ahead;
const setClock = (iso: string) => {
  ahead = Date.parse(iso) - Date.now();
};

const newYorkHours = "hours Mon-Fri 09:00-17:00 America/New_York";
const awayText = "We're closed now; we answer from 9am ET.";
const autoReplyLine = `🌙 Auto-reply sent — outside business hours:\n> ${awayText}`;
const secondCustomer = "+15557650002";

const transcriptSecret = "a-transcript-secret-of-at-least-32-characters";

/** The conversation's transcript page, through a link signed as the app signs them. */
async function transcript(h: Harness, conversationId: number): Promise<string> {
  const signer = new TranscriptSigner(publicUrl);
  signer.useSecret(transcriptSecret);
  const answer = await fetch(signer.urlFor(conversationId).url.replace(publicUrl, h.baseUrl));
  expect(answer.status).toBe(200);
  return answer.text();
}

async function start(environment: Record<string, string> = {}): Promise<Harness> {
  harness = await Harness.start({
    environment: { TRANSCRIPT_SECRET: transcriptSecret, ...environment },
    // A short sweep, so a nudge whose time the moved clock has reached is picked up at once.
    overrides: { now: clock, delivery: { sweepMs: 50, backoff: { baseDelayMs: 50, maxDelayMs: 400 } } },
  });
  return harness;
}

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  ahead = 0;
});

const lines = (h: Harness, parent: StoredMessage) => h.replies(parent.ts).map((m) => m.text);
const sentBodies = (h: Harness) => h.twilio.sent.map((m) => m.Body);

/** The pending nudge jobs, read from the database file. */
function pendingNudges(h: Harness): { lane: string; runAt: string }[] {
  const db = new Database(path.join(h.databaseDir, "threadline.db"), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT "lane", "runAt" FROM "DeliveryJob" WHERE "kind" = 'slack.nudge' AND "state" = 'pending'`,
      )
      .all() as { lane: string; runAt: number | bigint }[];
    return rows.map((row) => ({ lane: row.lane, runAt: new Date(Number(row.runAt)).toISOString() }));
  } finally {
    db.close();
  }
}

describe("away reply", () => {
  it("answers a customer once per closed period, through the normal send, after their message in the thread", async () => {
    // Thursday 2026-11-26 18:00 in New York: closed.
    setClock("2026-11-26T23:00:00Z");
    const h = await start();
    await h.connectInbox();
    expect(await h.command(newYorkHours)).toContain(
      "Saved. *Business hours:* Mon-Fri 09:00-17:00 America/New_York — closed now, opening Fri 09:00",
    );
    expect(await h.command(`away ${awayText}`)).toContain("Saved. *Away reply:*");

    await h.sms("Hello, is anyone there?");
    const parent = await h.waitForParent();
    await waitFor(() => h.twilio.sent.length === 1);
    expect(sentBodies(h)).toEqual([awayText]);
    await waitFor(() => lines(h, parent).length === 2);
    expect(lines(h, parent)[0]).toContain("Hello, is anyone there?");
    expect(lines(h, parent)[1]).toBe(autoReplyLine);
    // Marked delivered like an agent's reply once Twilio reports it.
    await h.statusCallback(h.twilio.sent[0]?.sid as string, "delivered");
    await waitFor(() =>
      h.slack.reactions.some(
        (r) => r.timestamp === h.replies(parent.ts)[1]?.ts && r.name === "white_check_mark",
      ),
    );

    // The same closed period: no second away reply.
    await h.sms("Hello??");
    await waitFor(() => lines(h, parent).length === 3);
    expect(lines(h, parent)[2]).toContain("Hello??");

    // Friday morning, open: nothing automatic.
    setClock("2026-11-27T15:00:00Z");
    await h.sms("Good morning");
    await waitFor(() => lines(h, parent).length === 4);

    // Friday evening starts a new closed period: one away reply again.
    setClock("2026-11-27T23:00:00Z");
    // Twilio redelivering the webhook changes nothing: one message, one away reply.
    const messageSid = `SM${"a1".repeat(16)}`;
    await h.sms("One more thing", { messageSid });
    await h.sms("One more thing", { messageSid });
    await waitFor(() => h.twilio.sent.length === 2);
    await waitFor(() => lines(h, parent).length === 6);
    expect(lines(h, parent).slice(4)).toEqual([expect.stringContaining("One more thing"), autoReplyLine]);

    // Quiet hours don't hold back the agent: a reply typed while closed goes out at once.
    await h.reply(parent.ts, "Answering now anyway");
    await waitFor(() => h.twilio.sent.length === 3);
    expect(sentBodies(h)).toEqual([awayText, awayText, "Answering now anyway"]);
    const page = await transcript(h, 1);
    expect(page.split("Auto-reply — outside business hours")).toHaveLength(3);
  });

  it("sends nothing to a customer who opts out while closed, and nothing once the away reply is off", async () => {
    setClock("2026-11-26T23:00:00Z");
    const h = await start();
    await h.connectInbox();
    await h.command(newYorkHours);
    await h.command(`away ${awayText}`);
    await h.sms("STOP");
    const parent = await h.waitForParent();
    await waitFor(() => lines(h, parent).length >= 2);
    expect(await h.command("away off")).toContain("Saved. *Away reply:* off.");
    await h.sms("Hi", { from: secondCustomer });
    await waitFor(() => h.parents().length === 2);
    await waitFor(() => h.replies(h.parents()[1]?.ts as string).length === 1);
    expect(h.twilio.sent).toHaveLength(0);
    expect(lines(h, parent).some((line) => line.includes("Auto-reply"))).toBe(false);
  });
});

describe("response-time nudge", () => {
  it("nudges the assignee after the target in business time, once per wait, surviving a restart", async () => {
    // Friday 2026-11-27 16:50 in New York: ten minutes before closing.
    setClock("2026-11-27T21:50:00Z");
    const h = await start();
    await h.connectInbox();
    await h.command(newYorkHours);
    expect(await h.command("sla 15m")).toContain("Saved. *Response-time target:* 15 min of business hours");
    await h.sms("My order is late");
    const parent = await h.waitForParent();
    await waitFor(() => lines(h, parent).length === 1);
    await h.slack.react({ channel: supportChannel, ts: parent.ts, user: agent.id, name: "eyes" });
    await waitFor(() => lines(h, parent).some((line) => line.includes("assigned")));
    const before = lines(h, parent).length;

    // Counted in business time: ten minutes on Friday, five on Monday morning.
    const [job] = await waitFor(() => pendingNudges(h).length === 1 && pendingNudges(h));
    expect(job?.runAt.startsWith("2026-11-30T14:05")).toBe(true);
    // A second message in the same wait does not start another clock.
    await h.sms("Hello?");
    await waitFor(() => lines(h, parent).length === before + 1);
    expect(pendingNudges(h)).toHaveLength(1);

    await h.restart();
    setClock("2026-11-30T14:06:00Z");
    const nudge = `⏱️ <@${agent.id}>, the customer has waited over 15 min of business hours for a reply.`;
    await waitFor(() => lines(h, parent).includes(nudge));
    await waitFor(() => pendingNudges(h).length === 0);
    expect(lines(h, parent).filter((line) => line === nudge)).toHaveLength(1);
    expect(await transcript(h, 1)).toContain(
      "Response-time nudge: the customer had waited past the target; Ana was reminded.",
    );
    // App Home shows the wait, and that it is past the channel's target.
    await h.slack.openHome(agent.id);
    await waitFor(() => JSON.stringify(h.slack.homes.get(agent.id)?.view).includes("over the 15 min target"));
  });

  it("says nobody is assigned, and is cleared by a reply or the assignee's note", async () => {
    // Monday 2026-11-30 10:00 in New York: open.
    setClock("2026-11-30T15:00:00Z");
    const h = await start();
    await h.connectInbox();
    await h.command(newYorkHours);
    await h.command("sla 15m");

    await h.sms("Anyone?");
    const parent = await h.waitForParent();
    await waitFor(() => pendingNudges(h).length === 1);
    setClock("2026-11-30T15:16:00Z");
    const unassigned =
      "⏱️ The customer has waited over 15 min of business hours for a reply, and nobody is assigned: react with :eyes: on their first message to take it.";
    await waitFor(() => lines(h, parent).includes(unassigned));

    // A reply ends the wait: its nudge, when due, posts nothing.
    await h.sms("Still there?", { from: secondCustomer });
    await waitFor(() => h.parents().length === 2);
    const second = h.parents()[1] as StoredMessage;
    await waitFor(() => pendingNudges(h).length === 1);
    await h.reply(second.ts, "Yes, looking into it");
    await waitFor(() => h.twilio.sent.length === 1);
    // The reply ended a wait: timed per inbox on /metrics.
    const metrics = await (await fetch(h.metricsUrl)).text();
    expect(metrics).toContain(
      'threadline_first_response_seconds_count{channel="sms",inbox="+15550001111"} 1',
    );
    setClock("2026-11-30T15:40:00Z");
    await waitFor(() => pendingNudges(h).length === 0);
    await waitFor(() => h.logs.find("nudge dropped: the customer's wait has ended"));
    expect(lines(h, second).some((line) => line.startsWith("⏱️"))).toBe(false);

    // The assignee's internal note ends it too.
    await h.slack.react({ channel: supportChannel, ts: second.ts, user: agent.id, name: "eyes" });
    await h.sms("And another question", { from: secondCustomer });
    await waitFor(() => pendingNudges(h).length === 1);
    await h.reply(second.ts, "note: checking with the warehouse");
    await waitFor(() => h.logs.find("assignee's note ends the wait"));
    setClock("2026-11-30T16:00:00Z");
    await waitFor(() => pendingNudges(h).length === 0);
    expect(lines(h, second).some((line) => line.startsWith("⏱️"))).toBe(false);
    expect(
      h.logs.lines.filter((line) => line.msg === "nudge dropped: the customer's wait has ended"),
    ).toHaveLength(2);
  });
});

describe("a nudge after the inbox moved to another channel", () => {
  it("goes to the channel that has the inbox now, in a new thread there, not to the old thread", async () => {
    // Monday 2026-11-30 10:00 in New York: open.
    setClock("2026-11-30T15:00:00Z");
    const h = await start();
    const newChannel = "C0NEWTEAM";
    h.slack.addChannel({ id: newChannel, name: "new-team", members: [h.slack.botUserId, agent.id] });
    await h.connectInbox();
    await h.command("sla 15m");
    await h.sms("Is my order ready?");
    const parent = await h.waitForParent();
    await waitFor(() => pendingNudges(h).length === 1);

    expect(await h.moveInbox(newChannel)).toContain("Moved");
    await h.command("sla 15m", newChannel);
    setClock("2026-11-30T15:16:00Z");
    const nudge =
      "⏱️ The customer has waited over 15 min of business hours for a reply, and nobody is assigned: react with :eyes: on their first message to take it.";
    const [newParent] = await waitFor(() => {
      const parents = h.slack.topLevelMessages(newChannel).filter((m) => m.blocks);
      return parents.length === 1 && parents;
    });
    const newThread = () =>
      h.slack.threadReplies(newChannel, (newParent as StoredMessage).ts).map((m) => m.text);
    await waitFor(() => newThread().includes(nudge));
    expect(lines(h, parent)).not.toContain(nudge);
  });
});

describe("response-time target changed after a wait began", () => {
  it("waits for a longer target, and posts nothing once the target is cleared", async () => {
    // Monday 2026-11-30 10:00 in New York: open.
    setClock("2026-11-30T15:00:00Z");
    const h = await start();
    await h.connectInbox();
    await h.command(newYorkHours);
    await h.command("sla 15m");
    await h.sms("Hello");
    const parent = await h.waitForParent();
    await waitFor(() => pendingNudges(h).length === 1);

    await h.command("sla 1h");
    setClock("2026-11-30T15:20:00Z");
    await waitFor(() => h.logs.find("nudge moved: the team's target changed"));
    // Moved once the job is rescheduled, just after it logs so: one nudge, due an hour after the message.
    await waitFor(() => {
      const pending = pendingNudges(h);
      return pending.length === 1 && pending[0]?.runAt.startsWith("2026-11-30T16:00");
    });

    expect(await h.command("sla off")).toContain("*Response-time target:* off.");
    setClock("2026-11-30T16:01:00Z");
    await waitFor(() => h.logs.find("nudge dropped: the team cleared its response-time target"));
    // The job is settled just after it logs what it decided.
    await waitFor(() => pendingNudges(h).length === 0);
    expect(lines(h, parent).some((line) => line.startsWith("⏱️"))).toBe(false);
  });
});

describe("hours, away and sla commands", () => {
  it("show the settings and whether the team is open, and answer bad input with an example", async () => {
    setClock("2026-11-30T15:00:00Z");
    const h = await start();
    expect(await h.command("hours")).toContain("*Business hours:* none set, so you are always open.");
    expect(await h.command(newYorkHours)).toContain("Nothing is connected to this channel");
    await h.connectInbox();
    const saved = await h.command("hours mon - fri 9:00-17:00 america/new_york");
    expect(saved).toContain("Mon-Fri 09:00-17:00 America/New_York — open now, until Mon 17:00");
    expect(await h.command("hours")).toContain("*Response-time target:* off.");

    const badDay = await h.command("hours Mon-Fry 09:00-17:00 UTC");
    expect(badDay).toContain("`Fry` is not a day");
    expect(badDay).toContain("`/threadline hours Mon-Fri 09:00-17:00 America/New_York`");
    expect(await h.command("hours Mon-Fri 09:00-17:00 Mars/Base")).toContain(
      "`Mars/Base` is not a time zone",
    );
    expect(await h.command("hours Mon-Fri 9am-5pm UTC")).toContain("`9am-5pm` is not a time range");
    expect(await h.command("sla soon")).toContain("`soon` is not a response time");
    expect(await h.command("sla 3d")).toContain("from 1m to 24h");
    // Nothing bad was saved.
    expect(await h.command("hours")).toContain("Mon-Fri 09:00-17:00 America/New_York");

    expect(await h.command("hours off")).toContain("Saved. *Business hours:* none set");
    expect(h.logs.find("team settings changed")).toMatchObject({
      userId: agent.id,
      channelId: supportChannel,
    });
  });

  it("are changed only by admins when THREADLINE_ADMINS is set", async () => {
    const h = await start({ THREADLINE_ADMINS: "U0ADMIN" });
    const refused = await h.command(newYorkHours);
    expect(refused).toContain(
      "Only a Threadline admin can change business hours, away replies or response-time targets",
    );
    expect(await h.command("sla 15m")).toContain("Only a Threadline admin");
    expect(await h.command("away off")).toContain("Only a Threadline admin");
    expect(h.logs.find("team settings change refused: not an admin")).toBeDefined();
    // Looking is for everyone.
    expect(await h.command("hours")).toContain("*Business hours:* none set");
  });
});
