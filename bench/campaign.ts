import fs from "node:fs";
import Database from "better-sqlite3";
import { nextSendingTime, recipientZones } from "../src/core/campaigns/recipient-hours.js";
import { sqliteDate } from "../src/db/sqlite/dates.js";
import type { Ephemeral } from "../src/simulators/slack/types.js";
import { AppProcess } from "./app-process.js";
import {
  addChannel,
  agentId,
  type BenchOptions,
  connectInbox,
  inboxNumberFor,
  log,
  ms,
  type Report,
  startFakes,
  tempDatabase,
  whileProgressing,
} from "./harness.js";

/*
 * A campaign to 5,000 customers (1,000 with --quick): the recipients are written into the database as customers
 * who texted the inbox and are tagged, then `/threadline campaign #bench …` and its Send button, as an agent
 * does. Measured: the pace of the sends as the fake Twilio recorded them against CAMPAIGN_RATE_PER_SECOND
 * (drift: how far the last send is from where an exact pace puts it), the edits of the one progress message,
 * and the app's CPU time per recipient from the click to the last send.
 */

const ratePerSecond = 100;
const channel = "C0CAMPAIGN";

/** Numbers in a place where it is 09:00–20:00 now (campaigns wait for the morning elsewhere), and its country. */
function placeInHours(count: number): { numbers: string[]; country: string } {
  const places = [
    { country: "GB", prefix: "+447700", digits: 6 },
    { country: "US", prefix: "+1212", digits: 7 },
    { country: "US", prefix: "+1415", digits: 7 },
    { country: "JP", prefix: "+8190", digits: 8 },
    { country: "AU", prefix: "+614", digits: 8 },
  ];
  const now = Date.now();
  const number = (place: (typeof places)[number], i: number) =>
    `${place.prefix}${String(i).padStart(place.digits, "0")}`;
  const open = places.find((place) =>
    [now, now + 3_600_000].every(
      (at) => nextSendingTime(recipientZones(number(place, 0), place.country), at) === at,
    ),
  );
  if (!open) throw new Error("no place in the table is within 09:00-20:00 for the next hour");
  return { numbers: Array.from({ length: count }, (_, i) => number(open, i + 1)), country: open.country };
}

/** The recipients as customers who texted the inbox and are tagged `bench`, written in one transaction. */
function seed(file: string, inbox: string, numbers: readonly string[]): void {
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 10000");
    const at = sqliteDate(new Date());
    const inboxId =
      (db.prepare(`SELECT "id" FROM "Inbox" WHERE "address" = ?`).pluck().get(inbox) as number) ?? 0;
    const contact = db.prepare(
      `INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt") VALUES ('sms', ?, ?, ?) RETURNING "id"`,
    );
    const conversation = db.prepare(
      `INSERT INTO "Conversation" ("inboxId", "contactId", "lastInboundAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`,
    );
    const tag = db.prepare(
      `INSERT INTO "ContactTag" ("contactId", "tag", "createdAt") VALUES (?, 'bench', ?)`,
    );
    db.transaction(() => {
      for (const address of numbers) {
        const id = contact.pluck().get(address, at, at) as number;
        conversation.run(inboxId, id, at, at, at);
        tag.run(id, at);
      }
    })();
  } finally {
    db.close();
  }
}

export async function campaign(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const count = quick ? 1_000 : 5_000;
  const { numbers, country } = placeInHours(count);
  const fakes = await startFakes();
  const db = tempDatabase("campaign");
  const app = await AppProcess.start(fakes, db.url, {
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    environment: { CAMPAIGN_RATE_PER_SECOND: String(ratePerSecond), SMS_COUNTRIES: country },
  });
  const inbox = inboxNumberFor(0);
  addChannel(fakes, channel);
  await connectInbox(fakes, inbox, channel);
  seed(db.file, inbox, numbers);

  const preview = await fakes.slack.slashCommand({
    channel_id: channel,
    user_id: agentId,
    text: "campaign #bench Spring sale today",
  });
  if (!String(preview.text).includes(`*${count} customers*`))
    throw new Error(`preview: ${String(preview.text)}`);
  const shown = fakes.slack.ephemerals.findLast((e) => e.via === "command_ack") as Ephemeral;
  const cpuBefore = app.cpuMs();
  const clickedAt = Date.now();
  await fakes.slack.blockAction(
    fakes.slack.buildEphemeralButtonClick({ ephemeral: shown, actionId: "threadline.campaignSend" }),
  );
  const sent = () => fakes.twilio.sent.length;
  const reached = await whileProgressing(sent, count, { stallMs: 30_000 });
  const cpuMs = app.cpuMs() - cpuBefore;
  const times = fakes.twilio.sent.map((message) => message.at.getTime());
  const first = times[0] ?? clickedAt;
  const intervalMs = 1000 / ratePerSecond;
  // How late each send is against an exact pace from the first; the last one's lateness is the drift.
  const lateness = times.map((at, i) => at - (first + i * intervalMs));
  const drift = lateness.at(-1) ?? 0;
  const early = Math.min(...lateness);
  const recipients = new Set(fakes.twilio.sent.map((message) => message.To)).size;
  const progress = fakes.slack
    .topLevelMessages(channel)
    .find((message) => message.text.startsWith("📣 Campaign"));
  report.add(
    "campaign",
    `${count} recipients at CAMPAIGN_RATE_PER_SECOND=${ratePerSecond}`,
    `${reached}/${count} sent to ${recipients} numbers in ${ms((times.at(-1) ?? first) - first)} (exact pace: ${ms((count - 1) * intervalMs)}); drift ${ms(drift)}, earliest ${ms(early)}; click → first send ${ms(first - clickedAt)}; progress edited ${progress?.history.length ?? 0} times; app CPU ${(cpuMs / Math.max(reached, 1)).toFixed(2)} ms per recipient`,
  );
  if (reached < count) log(`  campaign: only ${reached} of ${count} were sent`);
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}
