import fs from "node:fs";
import { startWithInboxes } from "./app-process.js";
import { goalTargets } from "./goals.js";
import {
  type BenchOptions,
  contactNumber,
  type Fakes,
  inboxNumberFor,
  ms,
  PostedMessages,
  percentile,
  type Report,
  type SignedRequest,
  sendAtRate,
  signedInbound,
  sleep,
  startFakes,
  warmUp,
  whileProgressing,
} from "./harness.js";

/*
 * Traffic well within Slack's pace, with Slack's limit enforced: 100 msg/s over 500 channels, each channel
 * getting one message every 5 s on average. No post has to wait for its channel's pace, so any 429 is the
 * pacer's own doing (posts reaching Slack with jitter larger than its margin) and its whole-second Retry-After
 * becomes the latency tail. Each 5 s round visits every channel once in a shuffled order, so a channel's
 * messages of two rounds may come milliseconds apart (its burst) or 10 s apart.
 */

const channels = 500;
const rate = 100;
const perSecond = 1;
const burst = 3;

export async function spread(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const rounds = quick ? 1 : 3;
  const fakes = await startFakes();
  const { db, app } = await startWithInboxes(fakes, "spread", "SP", channels, { cpuProfileDir });
  fakes.slack.rateLimit("chat.postMessage", { perSecond, burst });

  // Warm-up on other conversations; then every channel's bucket refills.
  await warmUp(fakes, app.baseUrl, (i) => ({
    from: contactNumber(10_000 + i),
    to: inboxNumberFor((i * 2) % channels),
  }));
  await sleep((burst / perSecond) * 1000);

  const random = mulberry32(20261207);
  const tag = "spread ";
  const requests: SignedRequest[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const channel of shuffled(channels, random))
      requests.push(inbound(fakes, channel, channel, `${tag}${requests.length}`));
  }
  const rateLimitedBefore = fakes.slack.rateLimitedCount;
  const sent = await sendAtRate(app.baseUrl, requests, rate);
  const acked = sent.filter((s) => s.status === 200);
  const posted = new PostedMessages(fakes.slack, tag);
  const arrived = await whileProgressing(() => posted.count, acked.length);
  const limited = fakes.slack.rateLimitedCount - rateLimitedBefore;
  const latencies = acked.map(
    (s) => (posted.byText.get(`${tag}${s.index}`)?.receivedAt ?? Number.POSITIVE_INFINITY) - s.sentAt,
  );
  const p99 = percentile(latencies, 99);
  const missing = acked.length - arrived;
  const measured = `${limited} × 429, p99 ${ms(p99)} (p50 ${ms(percentile(latencies, 50))}, max ${ms(Math.max(...latencies))}; ${acked.length}/${requests.length} acked${missing > 0 ? `, ${missing} never arrived` : ""})`;
  report.add(
    "spread",
    `webhook → Slack at ${rate} msg/s over ${channels} channels, Slack's limit on`,
    measured,
  );
  report.goal(
    "spreadUnderLimit",
    measured,
    limited === 0 && p99 <= goalTargets.latencyP99Ms && acked.length === requests.length && missing === 0,
  );
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}

/** A message from contact `contact` to the inbox connected to channel `channel` (connectInboxes' numbering). */
function inbound(fakes: Fakes, contact: number, channel: number, body: string): SignedRequest {
  return signedInbound(fakes.twilio, { from: contactNumber(contact), to: inboxNumberFor(channel), body });
}

function shuffled(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** A small seeded generator, so every run sends the same sequence. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
