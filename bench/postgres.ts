import fs from "node:fs";
import pg from "pg";
import { type PostgresCluster, startPostgres } from "../tests/support/postgres.js";
import { AppProcess } from "./app-process.js";
import {
  appEnvironment,
  BaselineServer,
  type BenchOptions,
  connectInboxes,
  contactNumber,
  countRows,
  type Fakes,
  inboxNumberFor,
  log,
  ms,
  PostedMessages,
  percentile,
  type Report,
  running,
  type SignedRequest,
  sendAtRate,
  signedInbound,
  sleep,
  startFakes,
  tempDatabase,
  whileProgressing,
} from "./harness.js";
import { describe, load, loadFrom, presigned, rate } from "./ingest.js";

/*
 * The same two measurements on three setups, one after the other in one run: SQLite with one instance,
 * PostgreSQL with one, and PostgreSQL with three instances (three app processes on one database, webhooks
 * spread round-robin as a load balancer would). One fake Slack hands each Socket Mode event to a random
 * connection. PostgreSQL is a throwaway cluster (tests/support/postgres.ts) on this machine, crash-safe like
 * SQLite's WAL with synchronous=NORMAL (fsync on, synchronous_commit off).
 *
 * - webhook → Slack: evenly spaced webhooks at 200 and 500 msg/s, one conversation per channel (500 inboxes,
 *   each in its own channel, so Slack's pace holds nothing back), latency from the scheduled send time to the
 *   fake Slack's receipt of the thread post; after 200 warm-up messages.
 * - ingest: flat out, 32 connections (split over the instances), right after a round of the bare baseline,
 *   so each setup's ratio is to a baseline measured moments before it. Every acknowledged message is checked
 *   to be committed.
 */

interface Setup {
  readonly name: string;
  readonly postgres: boolean;
  readonly instances: number;
}

const setups: readonly Setup[] = [
  { name: "SQLite ×1", postgres: false, instances: 1 },
  { name: "PostgreSQL ×1", postgres: true, instances: 1 },
  { name: "PostgreSQL ×3", postgres: true, instances: 3 },
];

const inboxCount = 500;
const connections = 32;
const rates = [200, 500];

export async function postgres(report: Report, options: BenchOptions): Promise<void> {
  const cluster = await startPostgres({ crashSafe: true });
  const clusterStop = { stop: () => cluster.stop().finally(() => running.delete(clusterStop)) };
  running.add(clusterStop);
  const fakes = await startFakes({ routing: "random" });
  const baselineDb = tempDatabase("pg-baseline");
  const baseline = await BaselineServer.spawn(appEnvironment(fakes, baselineDb.url));
  for (const [index, setup] of setups.entries()) {
    log(`    ${setup.name}`);
    await measureSetup(report, options, { cluster, fakes, baseline, setup, tag: `P${index}` });
  }
  await baseline.stop();
  await fakes.stop();
  await clusterStop.stop();
  fs.rmSync(baselineDb.dir, { recursive: true, force: true });
}

interface SetupContext {
  readonly cluster: PostgresCluster;
  readonly fakes: Fakes;
  readonly baseline: BaselineServer;
  readonly setup: Setup;
  /** Unique per setup: its channels and its messages' text. */
  readonly tag: string;
}

async function measureSetup(
  report: Report,
  { quick, cpuProfileDir }: BenchOptions,
  { cluster, fakes, baseline, setup, tag }: SetupContext,
): Promise<void> {
  const sqlite = setup.postgres ? null : tempDatabase(`pg-${tag}`);
  const url = sqlite?.url ?? (await cluster.createDatabase(`bench_${tag.toLowerCase()}`));
  // Started together on an empty database, as a deploy would: one migrates, the others wait for it.
  const apps = await Promise.all(
    Array.from({ length: setup.instances }, () => AppProcess.start(fakes, url, { cpuProfileDir })),
  );
  const urls = apps.map((app) => app.baseUrl);
  await connectInboxes(fakes, tag, inboxCount);
  let contact = setupContacts(tag);
  const message = (i: number, text: string): SignedRequest => {
    const n = contact + (i % inboxCount);
    return signedInbound(fakes.twilio, {
      from: contactNumber(n),
      to: inboxNumberFor(n % inboxCount),
      body: text,
    });
  };

  const warmup = Array.from({ length: 200 }, (_, i) => message(i % 100, `${tag}w ${i}`));
  await sendAtRate(urls, warmup, 100);
  await new PostedMessages(fakes.slack, `${tag}w `).waitFor(
    warmup.length,
    `${setup.name}: the warm-up in Slack`,
  );
  contact += 100;

  const seconds = quick ? 1 : 3;
  for (const perSecond of rates) {
    const prefix = `${tag}e${perSecond} `;
    const conversations = Math.min(perSecond, inboxCount);
    const requests = Array.from({ length: perSecond * seconds }, (_, i) =>
      message(i % conversations, `${prefix}${i}`),
    );
    contact += conversations;
    const sent = await sendAtRate(urls, requests, perSecond);
    const acked = sent.filter((s) => s.status === 200);
    const posted = new PostedMessages(fakes.slack, prefix);
    const arrived = await whileProgressing(() => posted.count, acked.length);
    const latencies = acked.map(
      (s) => (posted.byText.get(`${prefix}${s.index}`)?.receivedAt ?? Number.POSITIVE_INFINITY) - s.sentAt,
    );
    const missing = acked.length - arrived;
    report.add(
      "postgres",
      `${setup.name}: webhook → Slack thread at ${perSecond} msg/s`,
      `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))} (${acked.length}/${requests.length} acked${missing > 0 ? `; ${missing} never arrived` : ""})`,
    );
    await sleep(500);
  }

  const duration = quick ? 2 : 5;
  let counter = 0;
  const sign = () => message(counter, `${tag}i ${counter++}`);
  const base = await load(baseline.baseUrl, { duration, connections }, sign);
  // The connections split over the instances: a load balancer spreading them round-robin. The requests are
  // signed before any load starts, and each instance's connections take the next one from the same cursor.
  const next = presigned(duration * 15_000 * apps.length, sign);
  const results = await Promise.all(
    apps.map((app, k) =>
      loadFrom(
        app.baseUrl,
        {
          duration,
          connections: Math.floor(connections / apps.length) + (k < connections % apps.length ? 1 : 0),
        },
        next,
      ),
    ),
  );
  const acked = results.reduce((sum, result) => sum + result["2xx"], 0);
  const appRate = results.reduce((sum, result) => sum + rate(result), 0);
  const committed = await countIngested(sqlite?.file ?? url, setup.postgres, `${tag}i `);
  if (committed < acked)
    throw new Error(`${setup.name}: only ${committed} of ${acked} acknowledged messages are committed`);
  report.add(
    "postgres",
    `${setup.name}: ingest flat out, ${connections} connections, ${duration} s (2xx/s)`,
    `${appRate.toFixed(0)} req/s, ratio ${(appRate / rate(base)).toFixed(2)} to the baseline's ${rate(base).toFixed(0)} req/s just before (${results.map(describe).join(" | ")})`,
  );
  await Promise.all(apps.map((app) => app.stop()));
  if (sqlite) fs.rmSync(sqlite.dir, { recursive: true, force: true });
}

/** Contacts no other setup used, so every setup starts new conversations. */
const setupContacts = (tag: string) => 3_000_000 + Number(tag.slice(1)) * 100_000;

/** The inbound messages of the flat-out round that were committed (read after the round). */
async function countIngested(where: string, postgres: boolean, prefix: string): Promise<number> {
  const sql = `SELECT COUNT(*) FROM "Message" WHERE "direction" = 'in' AND "body" LIKE '${prefix}%'`;
  if (!postgres) return countRows(where, sql);
  const client = new pg.Client({ connectionString: where });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(sql);
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}
