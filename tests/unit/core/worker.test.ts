import { afterEach, describe, expect, it, vi } from "vitest";
import { whenQuiet } from "../../../src/activity.js";
import type { JobHandlers } from "../../../src/core/delivery/worker.js";
import { DeliveryWorker } from "../../../src/core/delivery/worker.js";
import { DeliveryError, JobParked } from "../../../src/core/errors.js";
import type { Job, NewJob } from "../../../src/core/ports/queue.js";
import { MemoryDeliveryQueue } from "../../../src/db/memory/delivery-queue.js";
import { silentLogger } from "./harness.js";

const notice = (lane: string, text: string): NewJob => ({
  lane,
  kind: "slack.notice",
  payload: { conversationId: 1, text },
});

/** Handlers that record each run and let a test decide what a run of a given text does. */
function recorder(behaviour: (job: Job) => Promise<void> = async () => {}) {
  const runs: { text: string; attempts: number; uncertain: boolean }[] = [];
  const handle = async (job: Job) => {
    const text = (job.payload as { text: string }).text;
    runs.push({ text, attempts: job.attempts, uncertain: job.uncertain });
    await behaviour(job);
  };
  const handlers = new Proxy({}, { get: () => handle }) as JobHandlers;
  return { runs, handlers };
}

const workers: DeliveryWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});

function startWorker(
  queue: MemoryDeliveryQueue,
  handlers: JobHandlers,
  options: Partial<ConstructorParameters<typeof DeliveryWorker>[2]> = {},
) {
  const worker = new DeliveryWorker(
    queue,
    handlers,
    {
      concurrency: 4,
      owner: "me",
      leaseMs: 30_000,
      sweepMs: 60_000,
      backoff: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
      ...options,
    },
    silentLogger,
  );
  workers.push(worker);
  return worker;
}

describe("DeliveryWorker over the in-memory queue", () => {
  it("waits for a job due in weeks without spinning (setTimeout fires a delay over 24.8 days at once)", async () => {
    const queue = new MemoryDeliveryQueue();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const { runs, handlers } = recorder();
      const worker = startWorker(queue, handlers);
      await worker.start();
      const inFortyDays = Date.now() + 40 * 24 * 60 * 60 * 1000;
      await queue.enqueue([{ ...notice("later", "nudge"), runAt: inFortyDays }, notice("now", "post")]);
      await vi.waitFor(() => expect(runs.map((run) => run.text)).toEqual(["post"]));
      await whenQuiet(() => worker.idle);
      expect(runs.map((run) => run.text)).toEqual(["post"]);
      expect(warnings.filter((warning) => warning.name === "TimeoutOverflowWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("is idle only when no job runs or is due now: a job due tomorrow does not keep it busy", async () => {
    const queue = new MemoryDeliveryQueue();
    let release = () => {};
    const { runs, handlers } = recorder(() => new Promise<void>((resolve) => (release = resolve)));
    const worker = startWorker(queue, handlers);
    await worker.start();
    expect(worker.idle).toBe(true);
    const tomorrow = Date.now() + 24 * 60 * 60 * 1000;
    await queue.enqueue([{ ...notice("later", "tomorrow"), runAt: tomorrow }, notice("now", "now")]);
    expect(worker.idle).toBe(false);
    await vi.waitFor(() => expect(worker.activeJobs).toBe(1));
    expect(worker.idle).toBe(false);
    release();
    await whenQuiet(() => worker.idle);
    expect(runs.map((run) => run.text)).toEqual(["now"]);
    expect((await queue.stats()).depth.pending).toBe(1);
  });

  it("runs each lane in commit order, lanes side by side, as soon as jobs are committed", async () => {
    const queue = new MemoryDeliveryQueue();
    let running = 0;
    let most = 0;
    const { runs, handlers } = recorder(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    await startWorker(queue, handlers, { concurrency: 2 }).start();
    await queue.enqueue(["a1", "b1", "a2", "c1", "a3", "b2"].map((text) => notice(text[0] as string, text)));
    await vi.waitFor(() => expect(runs).toHaveLength(6));
    const order = (lane: string) => runs.map((run) => run.text).filter((text) => text.startsWith(lane));
    expect(order("a")).toEqual(["a1", "a2", "a3"]);
    expect(order("b")).toEqual(["b1", "b2"]);
    expect(most).toBe(2);
    expect((await queue.stats()).depth.pending).toBe(0);
  });

  it("retries a transient failure without letting the lane's next job overtake it", async () => {
    const queue = new MemoryDeliveryQueue();
    let failures = 2;
    const { runs, handlers } = recorder(async (job) => {
      if ((job.payload as { text: string }).text === "first" && failures-- > 0) {
        throw new DeliveryError("SLACK_HTTP", "Slack answered HTTP 503", {
          transient: true,
          outcomeUnknown: true,
        });
      }
    });
    await startWorker(queue, handlers).start();
    await queue.enqueue([notice("a", "first"), notice("a", "second")]);
    await vi.waitFor(() =>
      expect(runs.map((run) => run.text)).toEqual(["first", "first", "first", "second"]),
    );
    expect(runs.map((run) => [run.attempts, run.uncertain])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [1, false],
    ]);
  });

  it("waits out its own pacing on a timer, without counting it as an attempt", async () => {
    const queue = new MemoryDeliveryQueue();
    let paced = true;
    const { runs, handlers } = recorder(async () => {
      if (paced) {
        paced = false;
        throw new DeliveryError("PACED", "waiting", { transient: true, category: "paced", retryAfterMs: 20 });
      }
    });
    await startWorker(queue, handlers).start();
    await queue.enqueue([notice("a", "x")]);
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs.map((run) => run.attempts)).toEqual([1, 1]);
  });

  it("fails a job for good on a permanent error, and the lane goes on", async () => {
    const queue = new MemoryDeliveryQueue();
    const { runs, handlers } = recorder(async (job) => {
      if ((job.payload as { text: string }).text === "bad") {
        throw new DeliveryError("SLACK_invalid_blocks", "layout refused", { transient: false });
      }
    });
    await startWorker(queue, handlers).start();
    await queue.enqueue([notice("a", "bad"), notice("a", "good")]);
    await vi.waitFor(() => expect(runs.map((run) => run.text)).toEqual(["bad", "good"]));
    expect((await queue.stats()).depth).toEqual({ pending: 0, parked: 0, failed: 1 });
  });

  it("holds, instead of failing, a job that must not be dropped: on a permanent error and after too many attempts", async () => {
    const queue = new MemoryDeliveryQueue();
    const { runs, handlers } = recorder(async (job) => {
      const { text } = job.payload as { text: string };
      if (text === "refused")
        throw new DeliveryError("SLACK_missing_scope", "no scope", { transient: false });
      if (text === "flaky")
        throw new DeliveryError("SLACK_HTTP", "Slack answered HTTP 503", { transient: true });
    });
    const holdOnFailure = (job: Job) => job.lane !== "c";
    await startWorker(queue, handlers, { holdOnFailure }).start();
    await queue.enqueue([
      notice("a", "refused"),
      notice("a", "after"),
      notice("b", "flaky"),
      notice("c", "refused"),
    ]);
    await vi.waitFor(async () =>
      expect((await queue.stats()).depth).toEqual({ pending: 1, parked: 2, failed: 1 }),
    );
    expect(runs.filter((run) => run.text === "flaky")).toHaveLength(3);
    expect(runs.map((run) => run.text)).not.toContain("after");
    await queue.unpark(1);
    await vi.waitFor(() => expect(runs.filter((run) => run.text === "refused")).toHaveLength(3));
  });

  it("tells the give-up hook of every job it gives up, before failing it; a hook that throws gets the job tried again", async () => {
    const queue = new MemoryDeliveryQueue();
    const { runs, handlers } = recorder(async (job) => {
      const { text } = job.payload as { text: string };
      if (text === "refused") throw new DeliveryError("SLACK_no_text", "no text", { transient: false });
      throw new DeliveryError("SLACK_HTTP", "Slack answered HTTP 503", { transient: true });
    });
    const told: { text: string; attempts: number; code: string }[] = [];
    let hookFails = 1;
    const gaveUp = async (job: Job, error: unknown) => {
      const { text } = job.payload as { text: string };
      if (text === "flaky" && hookFails-- > 0) throw new Error("disk full");
      told.push({ text, attempts: job.attempts, code: (error as DeliveryError).code });
    };
    await startWorker(queue, handlers, { gaveUp }).start();
    await queue.enqueue([notice("a", "refused"), notice("b", "flaky")]);
    await vi.waitFor(async () =>
      expect((await queue.stats()).depth).toEqual({ pending: 0, parked: 0, failed: 2 }),
    );
    // The hook failed once on "flaky" after its third attempt: a fourth ran, and then it was given up.
    expect(told).toEqual([
      { text: "refused", attempts: 1, code: "SLACK_no_text" },
      { text: "flaky", attempts: 4, code: "SLACK_HTTP" },
    ]);
    expect(runs.filter((run) => run.text === "flaky")).toHaveLength(4);
  });

  it("holds a parked lane until its head is unparked, then runs it in order", async () => {
    const queue = new MemoryDeliveryQueue();
    let blocked = true;
    const { runs, handlers } = recorder(async () => {
      if (blocked) throw new JobParked("no channel", async () => blocked);
    });
    await startWorker(queue, handlers).start();
    await queue.enqueue([notice("a", "1"), notice("a", "2")]);
    await vi.waitFor(async () => expect((await queue.stats()).depth.parked).toBe(1));
    expect(runs.map((run) => run.text)).toEqual(["1"]);
    blocked = false;
    const [parked] = await queue.unclaimed(Date.now(), 10);
    expect(parked).toBeUndefined();
    await queue.unpark(1);
    await vi.waitFor(() => expect(runs.map((run) => run.text)).toEqual(["1", "1", "2"]));
  });

  it("at start, takes over a dead owner's jobs as uncertain, and runs work nobody announced", async () => {
    const queue = new MemoryDeliveryQueue(undefined, (owner) => owner === "dead-process");
    await queue.enqueue([notice("a", "interrupted"), notice("b", "waiting")]);
    await queue.claim(1, "dead-process", Date.now(), Date.now() + 60_000);
    const { runs, handlers } = recorder();
    await startWorker(queue, handlers).start();
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs.find((run) => run.text === "interrupted")).toMatchObject({ attempts: 2, uncertain: true });
    expect(runs.find((run) => run.text === "waiting")).toMatchObject({ attempts: 1, uncertain: false });
  });

  it("takes over the jobs of an owner that dies while it runs at the next owner check, not at the lease's end", async () => {
    const dead = new Set<string>();
    const queue = new MemoryDeliveryQueue(undefined, (owner) => dead.has(owner));
    await queue.enqueue([notice("a", "interrupted")]);
    await queue.claim(1, "other", Date.now(), Date.now() + 60_000);
    const { runs, handlers } = recorder();
    await startWorker(queue, handlers, { ownerCheckMs: 20, sweepMs: 60_000 }).start();
    expect(runs).toEqual([]);
    dead.add("other");
    await vi.waitFor(() => expect(runs).toEqual([{ text: "interrupted", attempts: 2, uncertain: true }]));
  });

  it("takes a job up again itself when its outcome cannot be recorded, instead of waiting for the lease", async () => {
    let failures = 1;
    const queue = new (class extends MemoryDeliveryQueue {
      override async complete(job: Job, owner: string): Promise<boolean> {
        if (failures-- > 0) throw new Error("SQLITE_FULL: database or disk is full");
        return super.complete(job, owner);
      }
      override async retry(): Promise<void> {
        throw new Error("SQLITE_FULL: database or disk is full");
      }
    })();
    const { runs, handlers } = recorder();
    await startWorker(queue, handlers, { leaseMs: 60_000 }).start();
    await queue.enqueue([notice("a", "1"), notice("a", "2")]);
    await vi.waitFor(() => expect(runs.map((run) => run.text)).toEqual(["1", "1", "2"]));
    expect(runs[1]).toMatchObject({ attempts: 2, uncertain: true });
    expect((await queue.stats()).depth.pending).toBe(0);
  });

  it("leaves a live owner's job alone until its lease runs out, found by the sweep", async () => {
    const queue = new MemoryDeliveryQueue();
    await queue.enqueue([notice("a", "held elsewhere")]);
    await queue.claim(1, "other-instance", Date.now(), Date.now() + 150);
    const { runs, handlers } = recorder();
    await startWorker(queue, handlers, { sweepMs: 50 }).start();
    expect(runs).toEqual([]);
    await vi.waitFor(() => expect(runs).toEqual([{ text: "held elsewhere", attempts: 2, uncertain: true }]));
  });

  it("keeps renewing the lease of a long job, so nobody takes it over", async () => {
    const queue = new MemoryDeliveryQueue();
    let release = () => {};
    const { handlers } = recorder(() => new Promise<void>((resolve) => (release = resolve)));
    const renewals = vi.spyOn(queue, "renew");
    await startWorker(queue, handlers, { leaseMs: 60 }).start();
    await queue.enqueue([notice("a", "slow")]);
    const claimedAt = Date.now();
    // Renewed every 20 ms: wait until the job has outlived its first lease several times over.
    await vi.waitFor(() => {
      expect(renewals.mock.calls.length).toBeGreaterThanOrEqual(4);
      expect(Date.now()).toBeGreaterThan(claimedAt + 2 * 60);
    });
    expect(await queue.claim(1, "intruder", Date.now(), Date.now() + 1_000)).toBeNull();
    release();
    await vi.waitFor(async () => expect((await queue.stats()).depth.pending).toBe(0));
  });
});
