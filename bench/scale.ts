import fs from "node:fs";
import Database from "better-sqlite3";
import { migrateDatabase } from "../src/db/migrate.js";
import {
  addChannel,
  agentId,
  appEnvironment,
  type BenchOptions,
  ChildServer,
  contactNumber,
  log,
  ms,
  percentile,
  type Report,
  sendAtRate,
  signedInbound,
  startFakes,
  tempDatabase,
  until,
} from "./harness.js";

/*
 * Scale: a database with 10,000 conversations and 100,000 messages (seeded straight into a migrated file),
 * then the app's start-up time and memory, memory again after traffic, and the assignment menu's answer time
 * in a channel of 2,000 members (cold: the directory fetches users.list and conversations.members; warm:
 * from its cache).
 */

const inbox = "+15550003333";
const channel = "C0SCALE";
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function seed(file: string, conversations: number, messagesPerConversation: number): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const at = new Date("2026-01-01T00:00:00Z").toISOString().replace("Z", "+00:00");
  db.transaction(() => {
    db.prepare(
      `INSERT INTO "Inbox" ("id","kind","address","slackChannelId","connectedBy","createdAt","updatedAt") VALUES (1,'sms',?,?,?,?,?)`,
    ).run(inbox, channel, agentId, at, at);
    const contact = db.prepare(
      `INSERT INTO "Contact" ("id","kind","address","createdAt","updatedAt") VALUES (?,'sms',?,?,?)`,
    );
    const conversation = db.prepare(
      `INSERT INTO "Conversation" ("id","inboxId","contactId","status","slackChannelId","slackThreadTs","lastInboundAt","createdAt","updatedAt") VALUES (?,1,?,?,?,?,?,?,?)`,
    );
    const message = db.prepare(
      `INSERT INTO "Message" ("conversationId","direction","body","attachments","provider","providerMessageId","slackChannelId","slackTs","authorSlackUserId","status","createdAt","updatedAt") VALUES (?,?,?,'[]','sms',?,?,?,?,?,?,?)`,
    );
    let ts = 0;
    for (let i = 1; i <= conversations; i++) {
      contact.run(i, contactNumber(100_000 + i), at, at);
      const threadTs = `1600000000.${String(++ts).padStart(6, "0")}`;
      conversation.run(i, i, i % 10 === 0 ? "closed" : "open", channel, threadTs, at, at, at);
      for (let m = 0; m < messagesPerConversation; m++) {
        const inbound = m % 2 === 0;
        const slackTs = `1600000001.${String(++ts).padStart(7, "0")}`;
        message.run(
          i,
          inbound ? "in" : "out",
          `seeded message ${m} of conversation ${i}, about the length of a text message people send`,
          `SM${String(i).padStart(16, "0")}${String(m).padStart(16, "0")}`,
          channel,
          slackTs,
          inbound ? null : agentId,
          inbound ? "received" : "delivered",
          at,
          at,
        );
      }
    }
  })();
  db.close();
}

export async function scale(report: Report, { quick }: BenchOptions): Promise<void> {
  const conversations = 10_000;
  const messages = 100_000;
  const members = 2_000;
  const db = tempDatabase("scale");
  await migrateDatabase(db.url);
  const seedBegan = performance.now();
  seed(db.file, conversations, messages / conversations);
  log(
    `    seeded ${conversations} conversations and ${messages} messages in ${ms(performance.now() - seedBegan)}`,
  );

  const fakes = await startFakes();
  const memberIds = Array.from({ length: members }, (_, i) => `U${String(i).padStart(8, "0")}`);
  const names = ["Ana", "Bruno", "Carla", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas"];
  for (const [i, id] of memberIds.entries()) {
    const first = names[i % names.length] as string;
    fakes.slack.addUser({
      id,
      name: `${first.toLowerCase()}${i}`,
      realName: `${first} Member${i}`,
      displayName: `${first}${i}`,
    });
  }
  addChannel(fakes, channel, memberIds);

  const app = await ChildServer.spawn("app-process.mjs", appEnvironment(fakes, db.url));
  const atReady = app.ready.rss;
  report.add(
    "scale",
    `start-up with ${conversations / 1000}k conversations, ${messages / 1000}k messages`,
    `app.start() ${ms(app.ready.startMs)}; node start → ready ${ms(app.ready.sinceProcessStartMs)}; spawn → ready ${ms(app.spawnToReadyMs)}`,
    "≤ 2 s",
    app.ready.startMs <= 2_000,
  );

  // Traffic on the existing conversations, and a new one whose parent carries the menu.
  const traffic = quick ? 500 : 2_000;
  const requests = Array.from({ length: traffic }, (_, i) =>
    signedInbound(fakes.twilio, {
      from: contactNumber(100_000 + 1 + ((i * 7) % conversations)),
      to: inbox,
      body: `scale ${i}`,
    }),
  );
  requests.push(signedInbound(fakes.twilio, { from: "+15559990000", to: inbox, body: "menu please" }));
  await sendAtRate(app.baseUrl, requests, 200);
  await until(
    () => fakes.slack.messages.filter((m) => m.username && m.text.startsWith("scale ")).length >= traffic,
    {
      timeoutMs: 300_000,
      intervalMs: 250,
      what: "the traffic in Slack",
    },
  );
  const parent = fakes.slack.topLevelMessages(channel).find((m) => m.user === fakes.slack.botUserId);
  if (!parent) throw new Error("no parent for the menu");

  const suggest = async (value: string) => {
    const payload = fakes.slack.buildBlockSuggestion({
      channel,
      messageTs: parent.ts,
      user: agentId,
      actionId: "threadline.assign",
      value,
    });
    const began = performance.now();
    const answer = await fakes.slack.blockSuggestion(payload);
    return {
      elapsed: performance.now() - began,
      options: (answer.options as unknown[] | undefined)?.length ?? 0,
    };
  };
  const cold = await suggest("");
  const queries = ["", "a", "an", "ana", "bru", "member1", "grace", "zzz", "e", "hiro12"];
  const warm: number[] = [];
  let options = 0;
  for (let i = 0; i < 100; i++) {
    const result = await suggest(queries[i % queries.length] as string);
    warm.push(result.elapsed);
    if (i === 0) options = result.options;
  }
  const warmP99 = percentile(warm, 99);
  report.add(
    "scale",
    `assignment menu, channel of ${members} members`,
    `cold ${ms(cold.elapsed)} (${cold.options} options); warm p50 ${ms(percentile(warm, 50))}, p99 ${ms(warmP99)} (${options} options)`,
    "≤ 200 ms",
    cold.elapsed <= 200 && warmP99 <= 200,
  );

  const after = await app.memory();
  report.add(
    "scale",
    `RSS at ${conversations / 1000}k conversations`,
    `${mb(atReady)} when ready; ${mb(after.rss)} after ${traffic} messages and the menu (heap ${mb(after.heapUsed)})`,
    "≤ 150 MB",
    Math.max(atReady, after.rss) <= 150 * 2 ** 20,
  );
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}
