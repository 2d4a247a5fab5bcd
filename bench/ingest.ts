import fs from "node:fs";
import autocannon, { type Result } from "autocannon";
import { AppProcess } from "./app-process.js";
import { goalTargets } from "./goals.js";
import {
  appEnvironment,
  BaselineServer,
  type BenchOptions,
  connectInboxes,
  contactNumber,
  countRows,
  inboxNumberFor,
  log,
  ms,
  now,
  PostedMessages,
  type Report,
  type SignedRequest,
  signedInbound,
  startFakes,
  tempDatabase,
  webhookPath,
} from "./harness.js";

/*
 * Ingest flat out: signed Twilio webhooks, each a new message (distinct MessageSid) spread over many contacts,
 * from autocannon with 32 connections, against the bare baseline and against the app, in alternating rounds
 * (best round of each counts, which keeps a burst of load from other processes on the machine from deciding
 * the ratio). The app has 500 inboxes connected, each to its own channel (Slack's pace of about a post per
 * second per channel would otherwise hold the deliveries back for an hour), so its delivery worker posts to
 * the fake Slack meanwhile, as in production. After every app round the number of committed rows is checked against the 2xx answers (every
 * acknowledged message is durable), and the backlog the round left is timed until it is all in Slack.
 */

const inboxCount = 500;
const contacts = 2_000;
const connections = 32;
const warmupRequests = 300;

export async function ingest(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const rounds = quick ? 1 : 2;
  const seconds = quick ? 2 : 5;
  const fakes = await startFakes();
  let counter = 0;
  const sign = (): SignedRequest =>
    signedInbound(fakes.twilio, {
      from: contactNumber(counter % contacts),
      to: inboxNumberFor(counter % inboxCount),
      body: `ingest ${counter++}`,
    });
  const posted = new PostedMessages(fakes.slack, "ingest ");

  const baselineDb = tempDatabase("baseline");
  const baseline = await BaselineServer.spawn(appEnvironment(fakes, baselineDb.url));
  const appDb = tempDatabase("ingest");
  const app = await AppProcess.start(fakes, appDb.url, { cpuProfileDir });
  await connectInboxes(fakes, "IN", inboxCount);

  let acked = 0;
  const drain = async (what: string) => {
    const backlog = acked - posted.count;
    const began = now();
    await posted.waitFor(acked, `${what}: every acknowledged message in Slack`);
    return { backlog, drainMs: now() - began };
  };

  // Warm-up, not measured: the first requests pay for JIT compilation and first query plans.
  await load(baseline.baseUrl, { amount: warmupRequests, connections: 4 }, sign);
  acked += (await load(app.baseUrl, { amount: warmupRequests, connections: 4 }, sign))["2xx"];
  await drain("warm-up");

  const baselineRates: number[] = [];
  const appRates: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const base = await load(baseline.baseUrl, { duration: seconds, connections }, sign);
    baselineRates.push(rate(base));
    log(`    round ${round} baseline: ${describe(base)}`);

    const result = await load(app.baseUrl, { duration: seconds, connections }, sign);
    acked += result["2xx"];
    appRates.push(rate(result));
    log(`    round ${round} Threadline: ${describe(result)}`);
    const committed = countRows(appDb.file, `SELECT COUNT(*) FROM "Message" WHERE "direction" = 'in'`);
    if (committed < acked)
      throw new Error(`only ${committed} of ${acked} acknowledged messages are committed`);
    const { backlog, drainMs } = await drain(`round ${round}`);
    report.add(
      "ingest",
      `round ${round}: delivery backlog left by flat-out ingest`,
      `${backlog} messages in Slack ${ms(drainMs)} after the round (${((backlog / drainMs) * 1000).toFixed(0)} msg/s)`,
    );
  }

  const bestApp = Math.max(...appRates);
  const bestBaseline = Math.max(...baselineRates);
  const ratio = bestApp / bestBaseline;
  report.add(
    "ingest",
    `flat out, ${connections} connections, ${seconds} s × ${rounds} rounds (2xx/s)`,
    `Threadline ${appRates.map((r) => r.toFixed(0)).join(", ")}; baseline ${baselineRates.map((r) => r.toFixed(0)).join(", ")}`,
  );
  report.goal(
    "ingestRatio",
    `${ratio.toFixed(2)} (${bestApp.toFixed(0)} vs ${bestBaseline.toFixed(0)} req/s, best of ${rounds})`,
    ratio >= goalTargets.ingestRatio,
  );

  await app.stop();
  await baseline.stop();
  await fakes.stop();
  fs.rmSync(appDb.dir, { recursive: true, force: true });
  fs.rmSync(baselineDb.dir, { recursive: true, force: true });
}

/** autocannon with pre-signed bodies (signing is not the server's cost), by `amount` or by `duration`. */
export async function load(
  baseUrl: string,
  options: { amount?: number; duration?: number; connections: number },
  sign: () => SignedRequest,
): Promise<Result> {
  // Enough for 15,000 req/s; beyond that the generator signs on the fly.
  return loadFrom(baseUrl, options, presigned(options.amount ?? (options.duration ?? 0) * 15_000, sign));
}

/**
 * `count` requests signed now, then handed out in order (signing on the fly past them). Signing blocks the
 * event loop for seconds, so loads run side by side must share one cursor signed before any starts: a load
 * signing its own while another runs stalls the running one, and loads signed one after the other would send
 * the same conversations to every instance in lockstep.
 */
export function presigned(count: number, sign: () => SignedRequest): () => SignedRequest {
  const pool = Array.from({ length: count }, sign);
  let next = 0;
  return () => pool[next++] ?? sign();
}

/** Autocannon on the webhook, each request the next of `next`. */
export function loadFrom(
  baseUrl: string,
  options: { amount?: number; duration?: number; connections: number },
  next: () => SignedRequest,
): Promise<Result> {
  return autocannon({
    url: baseUrl,
    ...options,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: webhookPath,
        setupRequest: (request) => {
          const signed = next();
          return { ...request, body: signed.body, headers: signed.headers };
        },
      },
    ],
  });
}

/** Acknowledged requests per second (only 2xx count). */
export const rate = (result: Result) => result["2xx"] / result.duration;

export const describe = (result: Result) =>
  `${rate(result).toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`;
