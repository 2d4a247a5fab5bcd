import fs from "node:fs";
import autocannon, { type Result } from "autocannon";
import {
  addChannel,
  appEnvironment,
  type BenchOptions,
  ChildServer,
  connectInbox,
  contactNumber,
  countRows,
  type Fakes,
  log,
  ms,
  type Report,
  type SignedRequest,
  signedInbound,
  startFakes,
  tempDatabase,
  until,
  webhookPath,
} from "./harness.js";

/*
 * Ingest: signed Twilio webhooks, each a new message (distinct MessageSid) spread over many contacts, at fixed
 * rates and then flat out, against the app and against the bare baseline. The app answers only after the
 * message and its outbox row are committed, so every 2xx is durable; the row count is checked after each step.
 *
 * autocannon's overallRate is a per-connection quota per second: each connection sends back-to-back until its
 * share of the second is used, then waits for the next second. Latencies at a fixed rate are therefore those
 * of bursts of `connections` concurrent requests, which is harsher than evenly spaced arrivals (the
 * end-to-end benchmark sends evenly spaced ones and reports that acknowledgement latency too).
 */

const inbox = "+15550001111";
const channel = "C0INGEST";
const contacts = 2_000;
const rateConnections = 10;
const maxConnections = 32;

interface Step {
  readonly label: string;
  readonly rate: number | null;
  readonly result: Result;
}

export async function ingest(report: Report, { quick }: BenchOptions): Promise<void> {
  const rates = [100, 250, 500, 1000];
  const seconds = quick ? 1 : 3;
  const maxSeconds = quick ? 2 : 5;

  const fakes = await startFakes();
  addChannel(fakes, channel);
  let counter = 0;
  const sign = (): SignedRequest =>
    signedInbound(fakes.twilio, {
      from: contactNumber(counter % contacts),
      to: inbox,
      body: `ingest ${counter++}`,
    });

  const runSteps = async (server: ChildServer, dbFile: string, afterStep: () => Promise<void>) => {
    const steps: Step[] = [];
    // Warm-up, not measured: the first requests pay for JIT compilation and Prisma's first query plans.
    const warmup = Array.from({ length: 300 }, sign);
    let warm = 0;
    const warmed = await autocannon({
      url: server.baseUrl,
      connections: 4,
      amount: warmup.length,
      requests: [
        {
          method: "POST",
          path: webhookPath,
          setupRequest: (request) => {
            const signed = warmup[warm++] ?? sign();
            return { ...request, body: signed.body, headers: signed.headers };
          },
        },
      ],
    });
    await afterStep();
    let committedExpected = warmed["2xx"];
    for (const rate of [...rates, null]) {
      const amount = rate === null ? 0 : rate * seconds;
      const pool = Array.from({ length: rate === null ? 40_000 : amount }, sign);
      let next = 0;
      const result = await autocannon({
        url: server.baseUrl,
        connections: rate === null ? maxConnections : rateConnections,
        ...(rate === null ? { duration: maxSeconds } : { overallRate: rate, amount }),
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: webhookPath,
            setupRequest: (request) => {
              const signed = pool[next++] ?? sign();
              return { ...request, body: signed.body, headers: signed.headers };
            },
          },
        ],
      });
      committedExpected += result["2xx"];
      const committed = countRows(dbFile, `SELECT COUNT(*) FROM "Message" WHERE "direction" = 'in'`);
      if (committed < committedExpected) {
        throw new Error(
          `only ${committed} of ${committedExpected} acknowledged messages are in the database`,
        );
      }
      const label = rate === null ? `max (${maxConnections} connections)` : `${rate} req/s`;
      log(
        `    ${label}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
      steps.push({ label, rate, result });
      await afterStep();
    }
    return steps;
  };

  // The baseline first, alone on the machine.
  log("  baseline (node:http + twilio.validateRequest + better-sqlite3 insert)");
  const baselineDb = tempDatabase("baseline");
  const baseline = await ChildServer.spawn("baseline-server.ts", appEnvironment(fakes, baselineDb.url));
  const baselineSteps = await runSteps(baseline, baselineDb.file, async () => {});
  await baseline.stop();
  fs.rmSync(baselineDb.dir, { recursive: true, force: true });

  log("  Threadline (webhook → transaction → outbox; the delivery worker posts to the fake Slack meanwhile)");
  const appDb = tempDatabase("ingest");
  const app = await ChildServer.spawn("app-process.mjs", appEnvironment(fakes, appDb.url));
  await connectInbox(fakes, inbox, channel);
  const drained = async () => {
    const began = performance.now();
    await until(() => countRows(appDb.file, `SELECT COUNT(*) FROM "DeliveryJob"`) === 0, {
      intervalMs: 200,
      timeoutMs: 300_000,
      what: "the delivery queue to drain",
    });
    log(`    (delivery queue drained ${ms(performance.now() - began)} after the step)`);
  };
  const appSteps = await runSteps(app, appDb.file, drained);
  await app.stop();
  await fakes.stop();
  fs.rmSync(appDb.dir, { recursive: true, force: true });

  summarize(report, appSteps, baselineSteps, fakes);
}

function summarize(report: Report, appSteps: Step[], baselineSteps: Step[], _fakes: Fakes): void {
  for (const [index, step] of appSteps.entries()) {
    const base = baselineSteps[index];
    const { result } = step;
    const failures = result.non2xx + result.errors + result.timeouts;
    const measured = `${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms${failures ? `, ${failures} failed` : ""} (baseline p50 ${base?.result.latency.p50} ms, p99 ${base?.result.latency.p99} ms)`;
    if (step.rate === 500) {
      report.add(
        "ingest",
        `ack latency at ${step.label}`,
        measured,
        "p99 ≤ 20 ms",
        result.latency.p99 <= 20 && !failures,
      );
    } else if (step.rate !== null) {
      report.add("ingest", `ack latency at ${step.label}`, measured);
    }
  }
  const appMax = appSteps.at(-1)?.result;
  const baseMax = baselineSteps.at(-1)?.result;
  if (appMax && baseMax) {
    const ratio = appMax.requests.average / baseMax.requests.average;
    report.add(
      "ingest",
      "max throughput vs baseline",
      `${appMax.requests.average.toFixed(0)} vs ${baseMax.requests.average.toFixed(0)} req/s = ${(ratio * 100).toFixed(0)} % (app p99 ${appMax.latency.p99} ms, baseline p99 ${baseMax.latency.p99} ms)`,
      "≥ 50 % of baseline",
      ratio >= 0.5 && appMax.non2xx + appMax.errors === 0,
    );
  }
}
