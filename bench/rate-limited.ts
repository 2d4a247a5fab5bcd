import fs from "node:fs";
import Database from "better-sqlite3";
import { AppProcess } from "./app-process.js";
import { goalTargets } from "./goals.js";
import {
  addChannel,
  type BenchOptions,
  connectInbox,
  contactNumber,
  inboxNumberFor,
  log,
  ms,
  now,
  percentile,
  type Report,
  type SignedRequest,
  sendAtRate,
  signedInbound,
  startFakes,
  tempDatabase,
  until,
} from "./harness.js";

/*
 * Delivery under Slack's limit: the fake Slack allows chat.postMessage 1 per second per channel with a small
 * burst (answering 429 + Retry-After otherwise, as Slack does). 20 channels, each its own inbox, each with a
 * few conversations, all messages arriving at once. Measured: how close the app gets to the allowed rate,
 * how many 429s it earned on each channel, and whether every thread is complete and in order.
 *
 * Allowed posts per channel in T seconds = burst + T × perSecond, so the shortest possible run is
 * (posts − burst) / perSecond; efficiency = that shortest time / the time the app took.
 */

const perSecond = 1;
const burst = 3;

export async function rateLimited(report: Report, { quick, cpuProfileDir }: BenchOptions): Promise<void> {
  const channels = 20;
  const conversationsPerChannel = quick ? 2 : 5;
  const messagesPerConversation = quick ? 5 : 10;
  const fakes = await startFakes();
  const db = tempDatabase("ratelimit");
  const app = await AppProcess.start(fakes, db.url, { cpuProfileDir });
  const channelIds = Array.from({ length: channels }, (_, c) => `C0RL${String(c).padStart(2, "0")}`);
  for (const [c, id] of channelIds.entries()) {
    addChannel(fakes, id);
    await connectInbox(fakes, inboxNumberFor(c), id);
  }
  fakes.slack.rateLimit("chat.postMessage", { perSecond, burst });
  const callsBefore = fakes.slack.calls.length;
  const rateLimitedBefore = fakes.slack.rateLimitedCount;

  // Round-robin over conversations so every lane has work from the start; each conversation's messages in order.
  const requests: SignedRequest[] = [];
  for (let m = 0; m < messagesPerConversation; m++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < conversationsPerChannel; k++) {
        requests.push(
          signedInbound(fakes.twilio, {
            from: contactNumber(c * 100 + k),
            to: inboxNumberFor(c),
            body: `rl c${c} k${k} #${m}`,
          }),
        );
      }
    }
  }
  const began = now();
  // Sent at 500/s: quicker than Slack allows, so the limit is what the app is up against.
  const sent = await sendAtRate(app.baseUrl, requests, 500);
  if (sent.some((s) => s.status !== 200)) throw new Error("some webhooks were not acknowledged");
  const postsPerChannel = conversationsPerChannel * (messagesPerConversation + 1);
  const isCustomerPost = (m: { username?: string; text: string }) =>
    m.username !== undefined && m.text.startsWith("rl ");
  await until(() => fakes.slack.messages.filter(isCustomerPost).length >= requests.length, {
    timeoutMs: 600_000,
    intervalMs: 250,
    what: "every message in Slack",
  });
  const lastAt = Math.max(...fakes.slack.messages.map((m) => m.receivedAt ?? 0));
  const elapsed = (lastAt - began) / 1000;
  const shortest = (postsPerChannel - burst) / perSecond;
  const efficiency = shortest / elapsed;

  // Every thread complete and in order: in the order the app committed the messages (rule 3: the order they
  // arrived), and, for information, in the order the load generator sent them (concurrent connections may
  // deliver two webhooks of one conversation to the server in the other order, as Twilio's can).
  const committed = new Database(db.file, { readonly: true });
  const commitOrder = new Map<string, string[]>();
  for (const row of committed
    .prepare(`SELECT "body" FROM "Message" WHERE "direction" = 'in' ORDER BY "id"`)
    .all() as { body: string }[]) {
    const key = row.body.replace(/ #\d+$/, "");
    commitOrder.set(key, [...(commitOrder.get(key) ?? []), row.body]);
  }
  committed.close();
  let complete = 0;
  let reordered = 0;
  let sendOrderDiffers = 0;
  for (const id of channelIds) {
    const parents = fakes.slack.topLevelMessages(id).filter((m) => m.user === fakes.slack.botUserId);
    for (const parent of parents) {
      const texts = fakes.slack
        .threadReplies(id, parent.ts)
        .filter(isCustomerPost)
        .map((m) => m.text);
      const key = (texts[0] ?? "").replace(/ #\d+$/, "");
      const expected = commitOrder.get(key) ?? [];
      const sendOrder = Array.from({ length: messagesPerConversation }, (_, m) => `${key} #${m}`);
      if (texts.length === messagesPerConversation) complete++;
      if (texts.length !== expected.length || texts.some((text, i) => text !== expected[i])) {
        reordered++;
        log(`    out of commit order in ${id}: ${texts.join(" | ")}`);
      }
      if (texts.some((text, i) => text !== sendOrder[i])) {
        if (sendOrderDiffers === 0) log(`    e.g. not in send order: ${texts.join(" | ")}`);
        sendOrderDiffers++;
      }
    }
  }
  const threads = channels * conversationsPerChannel;

  // 429s per channel: the channel's chat.postMessage calls since the limit was set, less the posts it stored.
  const limitedPerChannel = channelIds.map((id) => {
    const calls = fakes.slack.calls
      .slice(callsBefore)
      .filter((call) => call.method === "chat.postMessage" && call.args.channel === id).length;
    const stored = fakes.slack.messages.filter(
      (m) => m.channel === id && (m.receivedAt ?? 0) >= began && m.user === fakes.slack.botUserId,
    ).length;
    return calls - stored;
  });
  const limitedTotal = fakes.slack.rateLimitedCount - rateLimitedBefore;
  const spacing = postSpacing(fakes.slack.messages, channelIds, began);
  report.add(
    "rate-limited",
    "spacing of posts to one channel after its burst, less Slack's 1 s",
    `min ${ms(spacing.min)}, p1 ${ms(spacing.p1)}, p50 ${ms(spacing.p50)}, p99 ${ms(spacing.p99)} (${spacing.count} gaps)`,
  );
  const limitedMax = Math.max(...limitedPerChannel);
  log(`    429s per channel: ${limitedPerChannel.join(" ")}`);
  report.add(
    "rate-limited",
    `${channels} channels × ${conversationsPerChannel * messagesPerConversation} msgs at ${perSecond}/s/channel (burst ${burst})`,
    `${(efficiency * 100).toFixed(1)} % of the allowed rate (${elapsed.toFixed(1)} s vs ${shortest} s minimum)`,
  );
  report.add(
    "rate-limited",
    "threads complete and in order",
    `${complete}/${threads} complete, ${reordered} out of commit order (${sendOrderDiffers} differ from send order)`,
  );
  report.goal(
    "rateLimited",
    `${(efficiency * 100).toFixed(1)} %, 429s ${limitedTotal} in all (max ${limitedMax} on a channel), ${reordered} reordered, ${complete}/${threads} threads complete`,
    efficiency >= goalTargets.rateEfficiency && limitedTotal === 0 && reordered === 0 && complete === threads,
  );
  await app.stop();
  await fakes.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}

/**
 * How far apart consecutive posts reached each channel once its burst was spent, less Slack's interval: the
 * pacer's margin minus the jitter. Below zero a post arrived sooner than Slack's bucket refills.
 */
function postSpacing(
  messages: readonly { channel: string; receivedAt?: number }[],
  channelIds: readonly string[],
  since: number,
): { min: number; p1: number; p50: number; p99: number; count: number } {
  const gaps: number[] = [];
  for (const id of channelIds) {
    const arrivals = messages
      .filter((m) => m.channel === id && (m.receivedAt ?? 0) >= since)
      .map((m) => m.receivedAt ?? 0)
      .sort((a, b) => a - b);
    for (let i = burst + 1; i < arrivals.length; i++)
      gaps.push((arrivals[i] ?? 0) - (arrivals[i - 1] ?? 0) - 1000 / perSecond);
  }
  return {
    min: Math.min(...gaps),
    p1: percentile(gaps, 1),
    p50: percentile(gaps, 50),
    p99: percentile(gaps, 99),
    count: gaps.length,
  };
}
