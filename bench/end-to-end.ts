import fs from "node:fs";
import type { StoredMessage } from "../tests/fakes/fake-slack.js";
import {
  addChannel,
  agentId,
  appEnvironment,
  type BenchOptions,
  ChildServer,
  connectInbox,
  contactNumber,
  type Fakes,
  log,
  ms,
  now,
  percentile,
  type Report,
  sendAtRate,
  signedInbound,
  sleep,
  startFakes,
  tempDatabase,
  until,
} from "./harness.js";

/*
 * End to end, unthrottled: a webhook leaves the load generator (evenly spaced, open loop) → the app commits it
 * → the delivery worker posts it → the fake Slack stores it (its receivedAt). Then the reverse path: an agent's
 * reply in a thread reaches the app over Socket Mode → committed → the worker sends it → the fake Twilio
 * records the Messages create call. Both clocks are this process's, so latencies are directly comparable.
 */

const inbox = "+15550002222";
const channel = "C0E2E";

export async function endToEnd(report: Report, { quick }: BenchOptions): Promise<void> {
  const seconds = quick ? 1 : 3;
  const fakes = await startFakes();
  addChannel(fakes, channel);
  const db = tempDatabase("e2e");
  const app = await ChildServer.spawn("app-process.mjs", appEnvironment(fakes, db.url));
  await connectInbox(fakes, inbox, channel);

  // Warm-up, not measured: JIT compilation and Prisma's first query plans.
  const warmup = Array.from({ length: 200 }, (_, i) =>
    signedInbound(fakes.twilio, { from: contactNumber(900_000 + (i % 20)), to: inbox, body: `warmup ${i}` }),
  );
  await sendAtRate(app.baseUrl, warmup, 50);
  await until(
    () => fakes.slack.messages.filter((m) => m.text.startsWith("warmup ")).length >= warmup.length,
    {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: "the warm-up in Slack",
    },
  );

  let contactBase = 0;
  for (const rate of [100, 1000]) {
    const total = rate * seconds;
    const contacts = Math.min(1_000, total / 5);
    const tag = `e2e${rate}`;
    const requests = Array.from({ length: total }, (_, i) =>
      signedInbound(fakes.twilio, {
        from: contactNumber(contactBase + (i % contacts)),
        to: inbox,
        body: `${tag} ${i}`,
      }),
    );
    contactBase += contacts;
    const sent = await sendAtRate(app.baseUrl, requests, rate);
    const acked = sent.filter((s) => s.status === 200);
    const ackLatencies = acked.map((s) => (s.answeredAt ?? 0) - s.sentAt);
    const posted = new Map<number, StoredMessage>();
    const prefix = `${tag} `;
    const collect = () => {
      for (const message of fakes.slack.messages) {
        if (message.username && message.text.startsWith(prefix))
          posted.set(Number(message.text.slice(prefix.length)), message);
      }
      return posted.size;
    };
    await until(() => collect() >= acked.length, {
      timeoutMs: 300_000,
      intervalMs: 250,
      what: `${tag} in Slack`,
    });
    const latencies = acked.map((s) => (posted.get(s.index)?.receivedAt ?? Number.NaN) - s.sentAt);
    const p99 = percentile(latencies, 99);
    const achieved =
      total /
      ((Math.max(...[...posted.values()].map((m) => m.receivedAt ?? 0)) - (sent[0]?.sentAt ?? 0)) / 1000);
    report.add(
      "end-to-end",
      `webhook → Slack thread at ${rate} msg/s (${contacts} conversations)`,
      `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))}; ${acked.length}/${total} acked, delivered at ${achieved.toFixed(0)} msg/s; ack p50 ${ms(percentile(ackLatencies, 50))}, p99 ${ms(percentile(ackLatencies, 99))}`,
      "p99 ≤ 100 ms",
      p99 <= 100 && acked.length === total,
    );
    await sleep(500);
  }

  await reversePath(report, fakes, app, seconds);
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}

async function reversePath(report: Report, fakes: Fakes, _app: ChildServer, seconds: number): Promise<void> {
  const parents = fakes.slack.topLevelMessages(channel).filter((m) => m.user === fakes.slack.botUserId);
  const threads = parents.slice(0, 200).map((m) => m.ts);
  for (const rate of [100]) {
    const total = rate * seconds;
    const sentAt = new Map<string, number>();
    const acks: Promise<unknown>[] = [];
    const start = now() + 20;
    let next = 0;
    while (next < total) {
      const due = start + (next * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      while (next < total && start + (next * 1000) / rate <= now()) {
        const text = `rev${rate} ${next}`;
        sentAt.set(text, start + (next * 1000) / rate);
        acks.push(
          fakes.slack.userMessage({
            channel,
            user: agentId,
            text,
            thread_ts: threads[next % threads.length] as string,
          }),
        );
        next++;
      }
    }
    await Promise.allSettled(acks);
    const prefix = `rev${rate} `;
    await until(() => fakes.twilio.sent.filter((m) => m.Body.startsWith(prefix)).length >= total, {
      timeoutMs: 300_000,
      intervalMs: 250,
      what: "replies at the fake Twilio",
    });
    const requestAt = new Map<string, number>();
    for (const request of fakes.twilio.requests) {
      const body = request.params.Body;
      if (
        request.method === "POST" &&
        typeof body === "string" &&
        body.startsWith(prefix) &&
        !requestAt.has(body)
      ) {
        requestAt.set(body, request.at.getTime());
      }
    }
    const latencies = [...sentAt].map(([text, at]) => (requestAt.get(text) ?? Number.NaN) - at);
    const p99 = percentile(latencies, 99);
    report.add(
      "end-to-end",
      `Slack reply → Twilio request at ${rate} msg/s (${threads.length} threads)`,
      `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))} (Twilio-side clock has 1 ms resolution)`,
      "p99 ≤ 100 ms",
      p99 <= 100,
    );
  }
  log(`    ${fakes.twilio.sent.length} SMS sent`);
}
