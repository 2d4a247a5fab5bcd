import fs from "node:fs";
import Database from "better-sqlite3";
import { AppProcess } from "./app-process.js";
import { goalTargets } from "./goals.js";
import {
  addChannel,
  agentId,
  type BenchOptions,
  contactNumber,
  type Fakes,
  inboxNumberFor,
  log,
  mb,
  ms,
  PostedMessages,
  percentile,
  type Report,
  sendAtRate,
  settled,
  signedInbound,
  startFakes,
  tempDatabase,
} from "./harness.js";

/*
 * Scale: a database with 10,000 conversations and 100,000 messages (the app's first start on an empty file
 * migrates it; then the rows are seeded straight into the schema's tables with better-sqlite3). Measured: the
 * time from spawning the app's process to its Socket Mode connection (median of a few starts), the first
 * assignment-menu answer of a process (its directory not asked for before) in a channel of 2,000 members, warm
 * answers, and RSS after a few thousand messages.
 */

const inbox = "+15550003333";
const channel = "C0SCALE";
/** Inboxes the conversations are spread over, each in its own channel (the first is `inbox` in `channel`). */
const inboxCount = 100;
const inboxChannel = (k: number) => (k === 0 ? channel : `C0SC${String(k).padStart(4, "0")}`);
const inboxAddress = (k: number) => (k === 0 ? inbox : inboxNumberFor(k));
/** The inbox (0-based) of seeded conversation `id` (1-based). */
const inboxOfConversation = (id: number) => (id - 1) % inboxCount;

/** The seeded conversation that message `i` of the traffic goes to (1-based; 7 is prime to 10,000). */
const trafficConversation = (i: number, conversations: number) => 1 + ((i * 7) % conversations);

/**
 * Thread parents for the seeded conversations the traffic reaches, posted through the fake's Web API as the
 * app posts them, so its parent updates find them. The others get thread timestamps only the database knows:
 * the fake answers a top-level post after scanning every stored message for its replies, so posting all
 * 10,000 would take minutes.
 */
async function seedThreads(fakes: Fakes, conversations: number, traffic: number): Promise<string[]> {
  const threads = Array.from(
    { length: conversations },
    (_, i) => `1600000000.${String(i + 1).padStart(6, "0")}`,
  );
  const reached = [
    ...new Set(Array.from({ length: traffic }, (_, i) => trafficConversation(i, conversations))),
  ];
  for (let i = 0; i < reached.length; i += 50) {
    const batch = reached.slice(i, i + 50).map(async (id) => {
      const response = await fetch(`${fakes.slack.apiUrl}chat.postMessage`, {
        method: "POST",
        headers: { authorization: `Bearer ${fakes.slack.botToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          channel: inboxChannel(inboxOfConversation(id)),
          text: `Conversation with seeded customer ${id}`,
        }),
      });
      const answer = (await response.json()) as { ok: boolean; ts?: string; error?: string };
      if (!answer.ok || !answer.ts) throw new Error(`seeding a parent failed: ${answer.error}`);
      threads[id - 1] = answer.ts;
    });
    await Promise.all(batch);
  }
  return threads;
}

function seed(file: string, threads: readonly string[], messagesPerConversation: number): void {
  const conversations = threads.length;
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const at = new Date("2026-01-01T00:00:00Z").toISOString().replace("Z", "+00:00");
  db.transaction(() => {
    const inboxRow = db.prepare(
      `INSERT INTO "Inbox" ("id","kind","address","slackChannelId","connectedBy","createdAt","updatedAt") VALUES (?,'sms',?,?,?,?,?)`,
    );
    for (let k = 0; k < inboxCount; k++)
      inboxRow.run(k + 1, inboxAddress(k), inboxChannel(k), agentId, at, at);
    const contact = db.prepare(
      `INSERT INTO "Contact" ("id","kind","address","createdAt","updatedAt") VALUES (?,'sms',?,?,?)`,
    );
    const conversation = db.prepare(
      `INSERT INTO "Conversation" ("id","inboxId","contactId","status","slackChannelId","slackThreadTs","lastInboundAt","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?)`,
    );
    const message = db.prepare(
      `INSERT INTO "Message" ("conversationId","direction","body","attachments","provider","providerMessageId","slackChannelId","slackTs","authorSlackUserId","status","createdAt","updatedAt") VALUES (?,?,?,'[]','sms',?,?,?,?,?,?,?)`,
    );
    let ts = 0;
    for (let i = 1; i <= conversations; i++) {
      contact.run(i, contactNumber(100_000 + i), at, at);
      const threadTs = threads[i - 1] as string;
      const k = inboxOfConversation(i);
      conversation.run(i, k + 1, i, i % 10 === 0 ? "closed" : "open", inboxChannel(k), threadTs, at, at, at);
      for (let m = 0; m < messagesPerConversation; m++) {
        const inbound = m % 2 === 0;
        const slackTs = `1600000001.${String(++ts).padStart(7, "0")}`;
        message.run(
          i,
          inbound ? "in" : "out",
          `seeded message ${m} of conversation ${i}, about the length of a text message people send`,
          `SM${String(i).padStart(16, "0")}${String(m).padStart(16, "0")}`,
          inboxChannel(k),
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

export async function scale(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const conversations = 10_000;
  const messages = 100_000;
  const members = 2_000;
  const starts = quick ? 1 : 3;
  const fakes = await startFakes();
  addMembers(fakes, members);
  const db = tempDatabase("scale");

  const first = await AppProcess.start(fakes, db.url);
  await first.stop();
  report.add(
    "scale",
    "first start, empty database (migrations applied)",
    `spawn → Socket Mode ${ms(first.spawnToSocketModeMs)}`,
  );
  const seedBegan = performance.now();
  const traffic = quick ? 500 : 2_000;
  const threads = await seedThreads(fakes, conversations, traffic);
  seed(db.file, threads, messages / conversations);
  log(
    `    seeded ${conversations} conversations and ${messages} messages in ${ms(performance.now() - seedBegan)}`,
  );

  const startTimes: number[] = [];
  let app: AppProcess | undefined;
  for (let i = 0; i < starts; i++) {
    await app?.stop();
    app = await AppProcess.start(fakes, db.url, { cpuProfileDir });
    startTimes.push(app.spawnToSocketModeMs);
  }
  if (!app) throw new Error("the app did not start");
  const startup = percentile(startTimes, 50);
  report.goal(
    "startup",
    `${ms(startup)} (median of ${starts}: ${startTimes.map((t) => ms(t)).join(", ")}; /healthz 200 at ${ms(app.spawnToHealthyMs)})`,
    startup <= goalTargets.startupMs,
  );
  const atReady = app.memory();

  // Traffic on the existing conversations, and a new one whose parent carries the menu.
  const requests = Array.from({ length: traffic }, (_, i) =>
    signedInbound(fakes.twilio, {
      from: contactNumber(100_000 + trafficConversation(i, conversations)),
      to: inboxAddress(inboxOfConversation(trafficConversation(i, conversations))),
      body: `scale ${i}`,
    }),
  );
  requests.push(signedInbound(fakes.twilio, { from: "+15559990000", to: inbox, body: "scale menu please" }));
  await sendAtRate(app.baseUrl, requests, 200);
  await new PostedMessages(fakes.slack, "scale ").waitFor(requests.length, "the traffic in Slack");
  const seeded = new Set(threads);
  const parent = fakes.slack
    .topLevelMessages(channel)
    .find((m) => m.user === fakes.slack.botUserId && !seeded.has(m.ts));
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
  report.goal(
    "menuCold",
    `${ms(cold.elapsed)} (${cold.options} options)`,
    cold.elapsed <= goalTargets.menuColdMs && cold.options > 0,
  );
  const queries = ["", "a", "an", "ana", "bru", "member1", "grace", "zzz", "e", "hiro12"];
  const warm: number[] = [];
  for (let i = 0; i < 100; i++) warm.push((await suggest(queries[i % queries.length] as string)).elapsed);
  report.add(
    "scale",
    `assignment menu, warm, channel of ${members} members`,
    `p50 ${ms(percentile(warm, 50))}, p99 ${ms(percentile(warm, 99))}`,
  );

  const { atEnd, atRest, settledMs } = await app.memoryAtRest(goalTargets.rssBytes);
  report.add("scale", "RSS when ready, 10k conversations", mb(atReady.rss));
  report.goal(
    "rss",
    `${mb(atRest.rss)} 30 s after ${traffic} messages and the menu with 10k conversations (${mb(atEnd.rss)} when they ended, ${settled(settledMs)}, peak ${mb(atRest.peakRss)})`,
    atRest.rss <= goalTargets.rssBytes,
  );
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}

function addMembers(fakes: Fakes, members: number): void {
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
  for (let k = 1; k < inboxCount; k++) addChannel(fakes, inboxChannel(k));
}
