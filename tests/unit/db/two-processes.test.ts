import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { whenQuiet } from "../../../src/activity.js";
import { DeliveryWorker, type JobHandlers } from "../../../src/core/delivery/worker.js";
import type { Job } from "../../../src/core/ports/queue.js";
import { SqlDeliveryQueue } from "../../../src/db/delivery-queue/queue.js";
import { sqliteFilePath } from "../../../src/db/migrate.js";
import { SqliteConnection } from "../../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../../src/db/sqlite/sql.js";
import { migratedSqliteUrl } from "../../support/migrated-sqlite.js";
import { silentLogger } from "../core/harness.js";

/* Two processes on one SQLite file, each with its own connection, queue and worker, as `npm start` twice would
 * have: the leased claim must run every job once, and every lane in id order, even when one of them dies. */

interface Event {
  readonly type: "start" | "end";
  readonly jobId: number;
  readonly lane: string;
  readonly process: string;
  readonly uncertain: boolean;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sharedFile(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-two-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return migratedSqliteUrl(path.join(dir, "threadline.db"));
}

/** One "process": its own connection to the file, queue and worker; every run is recorded in `events`. */
function process(name: string, url: string, events: Event[], stall: (jobId: number) => Promise<void> | null) {
  const connection = new SqliteConnection(sqliteFilePath(url));
  connection.open();
  const queue = new SqlDeliveryQueue(new SqliteSql(connection));
  const run = async (job: Job) => {
    events.push({ type: "start", jobId: job.id, lane: job.lane, process: name, uncertain: job.uncertain });
    await (stall(job.id) ?? new Promise((resolve) => setTimeout(resolve, Math.random() * 3)));
    events.push({ type: "end", jobId: job.id, lane: job.lane, process: name, uncertain: job.uncertain });
  };
  const handlers: JobHandlers = {
    "slack.postInbound": run,
    "slack.postMedia": run,
    "slack.updateParent": run,
    "slack.notice": run,
    "slack.channelNotice": run,
    "slack.dailyReport": run,
    "slack.erasePosts": run,
    "slack.postStarted": run,
    "slack.react": run,
    "slack.reminder": run,
    "slack.postAutoReply": run,
    "slack.nudge": run,
    "customer.send": run,
    "customer.scheduled": run,
    "slack.scheduledNotice": run,
    "contact.refreshProfile": run,
    "campaign.send": run,
    "campaign.progress": run,
  };
  const worker = new DeliveryWorker(
    queue,
    handlers,
    {
      concurrency: 4,
      owner: `${name}/${Math.random()}`,
      leaseMs: 200,
      sweepMs: 20,
      backoff: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 },
    },
    silentLogger,
  );
  cleanups.push(async () => {
    connection.close();
  });
  return { queue, worker };
}

const lanes = ["slack:1", "slack:2", "customer:1", "customer:2", "slack:3"];

/** Enqueues `count` jobs through the two queues in turn, spread over the shared lanes. */
async function enqueue(queues: readonly SqlDeliveryQueue[], count: number, from = 0) {
  for (let i = from; i < from + count; i++) {
    const lane = lanes[i % lanes.length] as string;
    await queues[i % queues.length]?.enqueue([
      { lane, kind: "slack.notice", payload: { conversationId: 1, text: `job ${i}` } },
    ]);
  }
}

/** Each lane's jobs start in id order, and none starts before the one ahead of it in the lane ended. */
function expectLaneOrder(events: readonly Event[], ignoring: ReadonlySet<string> = new Set()) {
  for (const lane of lanes) {
    const ofLane = events.filter((e) => e.lane === lane && !ignoring.has(`${e.process}:${e.jobId}`));
    const starts = ofLane.filter((e) => e.type === "start").map((e) => e.jobId);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    let running: number | null = null;
    for (const event of ofLane) {
      if (event.type === "start") {
        expect(running, `job ${event.jobId} started while ${running} ran in ${lane}`).toBeNull();
        running = event.jobId;
      } else {
        expect(event.jobId).toBe(running);
        running = null;
      }
    }
  }
}

const ended = (events: readonly Event[]) => events.filter((e) => e.type === "end").map((e) => e.jobId);

describe("two processes sharing one SQLite file", () => {
  it("run every job exactly once, each lane in id order, with jobs enqueued through both", async () => {
    const url = await sharedFile();
    const events: Event[] = [];
    const a = process("a", url, events, () => null);
    const b = process("b", url, events, () => null);
    await Promise.all([a.worker.start(), b.worker.start()]);
    cleanups.push(() => Promise.all([a.worker.stop(), b.worker.stop()]).then(() => undefined));

    await enqueue([a.queue, b.queue], 200);
    await vi.waitFor(() => expect(ended(events)).toHaveLength(200), { timeout: 20_000, interval: 50 });
    await whenQuiet(() => a.worker.idle && b.worker.idle);

    const done = ended(events);
    expect(new Set(done).size).toBe(200);
    expect(events.filter((e) => e.type === "start")).toHaveLength(200);
    expect(events.some((e) => e.uncertain)).toBe(false);
    // Both did work: the test is not one worker doing everything while the other watches.
    expect(new Set(events.map((e) => e.process))).toEqual(new Set(["a", "b"]));
    expectLaneOrder(events);
    expect((await a.queue.stats()).depth).toEqual({ pending: 0, parked: 0, failed: 0 });
  }, 30_000);

  it("after one dies mid-job, the other takes its lanes over once the lease runs out, in order, as uncertain", async () => {
    const url = await sharedFile();
    const events: Event[] = [];
    let stalled: number | null = null;
    // Process a "dies" in the middle of its 30th job: the job never ends and nothing renews its lease.
    const a = process("a", url, events, (jobId) => {
      if (stalled !== null || events.filter((e) => e.process === "a" && e.type === "end").length < 30)
        return null;
      stalled = jobId;
      return new Promise<void>(() => {});
    });
    const b = process("b", url, events, () => null);
    await Promise.all([a.worker.start(), b.worker.start()]);
    cleanups.push(() => b.worker.stop());

    await enqueue([a.queue, b.queue], 150);
    await vi.waitFor(() => expect(stalled).not.toBeNull(), { timeout: 20_000, interval: 20 });
    // Its timers stop (no renewals, no sweeps); its stalled handler is never awaited: a dead process.
    void a.worker.stop();
    await enqueue([b.queue], 50, 150);

    await vi.waitFor(() => expect(new Set(ended(events)).size).toBe(200), { timeout: 20_000, interval: 50 });
    await whenQuiet(() => b.worker.idle);

    const done = ended(events);
    expect(done).toHaveLength(200);
    expect(new Set(done).size).toBe(200);
    const takeover = events.filter((e) => e.jobId === stalled);
    expect(takeover.map((e) => [e.type, e.process, e.uncertain])).toEqual([
      ["start", "a", false],
      ["start", "b", true],
      ["end", "b", true],
    ]);
    expect(events.filter((e) => e.uncertain && e.jobId !== stalled)).toEqual([]);
    expectLaneOrder(events, new Set([`a:${stalled}`]));
    expect((await b.queue.stats()).depth).toEqual({ pending: 0, parked: 0, failed: 0 });
  }, 30_000);
});
