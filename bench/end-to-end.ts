import fs from "node:fs";
import { startWithInboxes } from "./app-process.js";
import { goalTargets } from "./goals.js";
import {
  agentId,
  type BenchOptions,
  contactNumber,
  type Fakes,
  inboxNumberFor,
  log,
  mb,
  ms,
  now,
  PostedMessages,
  percentile,
  type Report,
  sendAtRate,
  settled,
  signedInbound,
  sleep,
  startFakes,
  warmUp,
  whileProgressing,
} from "./harness.js";

/*
 * End to end, unthrottled: a webhook leaves the load generator (evenly spaced, open loop) → the app commits it
 * → delivers it → the fake Slack stores it (its receivedAt). Then the reverse path: agents' replies in the
 * threads reach the app over Socket Mode (evenly spaced, open loop) → the app sends them → the fake Twilio
 * records the Messages create request. Both clocks are this process's, so latencies are directly comparable
 * and count from the scheduled send time. Last, the app's RSS after those few thousand messages.
 */

/** Inboxes, each in its own channel: at 500 msg/s one channel would be held to Slack's pace of ~1 post/s. */
const inboxCount = 500;
const inboxOf = (contact: number) => inboxNumberFor(contact % inboxCount);
const goalRate = 500;

export async function endToEnd(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const seconds = quick ? 1 : 3;
  const fakes = await startFakes();
  const { db, app } = await startWithInboxes(fakes, "e2e", "E2", inboxCount, { cpuProfileDir });
  const warmedUp = await warmUp(fakes, app.baseUrl, (i) => ({
    from: contactNumber(900_000 + (i % 100)),
    to: inboxOf(900_000 + (i % 100)),
  }));

  let contactBase = 0;
  let messages = warmedUp;
  for (const rate of [200, goalRate]) {
    const total = rate * seconds;
    // One conversation per channel, each getting 1 msg/s: within Slack's pace, so no message waits for it.
    const contacts = Math.min(rate, inboxCount);
    const tag = `e2e${rate} `;
    const requests = Array.from({ length: total }, (_, i) =>
      signedInbound(fakes.twilio, {
        from: contactNumber(contactBase + (i % contacts)),
        to: inboxOf(contactBase + (i % contacts)),
        body: `${tag}${i}`,
      }),
    );
    contactBase += contacts;
    const sent = await sendAtRate(app.baseUrl, requests, rate);
    const acked = sent.filter((s) => s.status === 200);
    const ackLatencies = acked.map((s) => (s.answeredAt ?? 0) - s.sentAt);
    const posted = new PostedMessages(fakes.slack, tag);
    const arrived = await whileProgressing(() => posted.count, acked.length);
    messages += total;
    // A message that never arrived counts as infinitely late.
    const latencies = acked.map(
      (s) => (posted.byText.get(`${tag}${s.index}`)?.receivedAt ?? Number.POSITIVE_INFINITY) - s.sentAt,
    );
    const p99 = percentile(latencies, 99);
    const lastPost = Math.max(...[...posted.byText.values()].map((m) => m.receivedAt ?? 0));
    const delivered = arrived / ((lastPost - (sent[0]?.sentAt ?? 0)) / 1000);
    const measured = `p99 ${ms(p99)} (p50 ${ms(percentile(latencies, 50))}; ${acked.length}/${total} acked, ack p99 ${ms(percentile(ackLatencies, 99))}; ${lost(acked.length - arrived)}delivered at ${delivered.toFixed(0)} msg/s)`;
    report.add(
      "end-to-end",
      `webhook → Slack thread at ${rate} msg/s, ${contacts} conversations in as many channels`,
      measured,
    );
    if (rate === goalRate)
      report.goal(
        "inboundP99",
        measured,
        p99 <= goalTargets.latencyP99Ms && acked.length === total && arrived === acked.length,
      );
    await sleep(500);
  }

  messages += await reversePath(report, fakes, seconds);
  const { atEnd, atRest, settledMs } = await app.memoryAtRest(goalTargets.rssBytes);
  report.goal(
    "rss",
    `${mb(atRest.rss)} 30 s after ${messages} messages both ways (${mb(atEnd.rss)} when they ended, ${settled(settledMs)}, peak ${mb(atRest.peakRss)})`,
    atRest.rss <= goalTargets.rssBytes,
  );
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}

/** Agents reply in the threads the forward path made, at 500 msg/s; returns how many replies were sent. */
async function reversePath(report: Report, fakes: Fakes, seconds: number): Promise<number> {
  // Conversations' threads: where the customers' messages went.
  const byThread = new Map<string, { channel: string; ts: string }>();
  for (const m of fakes.slack.messages) {
    if (m.username && m.thread_ts && byThread.size < 500)
      byThread.set(`${m.channel} ${m.thread_ts}`, { channel: m.channel, ts: m.thread_ts });
  }
  const threads = [...byThread.values()];
  const total = goalRate * seconds;
  const tag = `rev${goalRate} `;
  const sentAt = new Map<string, number>();
  const acks: Promise<unknown>[] = [];
  const start = now() + 20;
  let next = 0;
  while (next < total) {
    const wait = start + (next * 1000) / goalRate - now();
    if (wait > 1) await sleep(wait);
    while (next < total && start + (next * 1000) / goalRate <= now()) {
      const text = `${tag}${next}`;
      sentAt.set(text, start + (next * 1000) / goalRate);
      const thread = threads[next % threads.length] as { channel: string; ts: string };
      acks.push(
        fakes.slack.userMessage({ channel: thread.channel, user: agentId, text, thread_ts: thread.ts }),
      );
      next++;
    }
  }
  await Promise.allSettled(acks);
  const requestAt = new Map<string, number>();
  const collect = () => {
    for (const request of fakes.twilio.requests) {
      const body = request.params.Body;
      if (
        request.method === "POST" &&
        typeof body === "string" &&
        body.startsWith(tag) &&
        !requestAt.has(body)
      )
        requestAt.set(body, request.at.getTime());
    }
    return requestAt.size;
  };
  const arrived = await whileProgressing(collect, total);
  const latencies = [...sentAt].map(([text, at]) => (requestAt.get(text) ?? Number.POSITIVE_INFINITY) - at);
  const p99 = percentile(latencies, 99);
  const measured = `p99 ${ms(p99)} (p50 ${ms(percentile(latencies, 50))}; ${total} replies in ${threads.length} threads; ${lost(total - arrived)}the fake Twilio's clock has 1 ms resolution)`;
  report.add("end-to-end", `agent reply → Twilio request at ${goalRate} msg/s`, measured);
  report.goal("replyP99", measured, p99 <= goalTargets.latencyP99Ms && arrived === total);
  log(`    ${fakes.twilio.sent.length} SMS sent`);
  return total;
}

const lost = (missing: number) => (missing > 0 ? `${missing} never arrived (counted as late); ` : "");
