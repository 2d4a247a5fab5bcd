import { DeliveryError, errorMessage, JobParked } from "../errors.js";
import { laneConversationId } from "../lane-names.js";
import type { CoreLogger } from "../ports/logger.js";
import type { DeliveryQueue, Job, JobKind, QueuedJob } from "../ports/queue.js";
import { type BackoffPolicy, retryDelayMs } from "./backoff.js";
import { LaneScheduler, type StepResult } from "./lane-scheduler.js";
import { lostWork } from "./lost-work.js";

export type JobHandlers = { readonly [K in JobKind]: (job: Extract<Job, { kind: K }>) => Promise<void> };

export interface WorkerOptions {
  readonly concurrency: number;
  readonly backoff: BackoffPolicy;
  /** This worker's name on the leases it takes; unique per process. */
  readonly owner: string;
  /** How long a claimed job stays ours without renewal; a dead owner's jobs are taken over after it. */
  readonly leaseMs: number;
  /** How often to look in the table for work nobody announced to us (other instances, expired leases). */
  readonly sweepMs: number;
  /** How often to look for owners whose process ended, whose jobs are then taken over at once (2 s). */
  readonly ownerCheckMs?: number;
  /**
   * Jobs that are held (parked, with the reason) instead of failing for good, until someone queues them again
   * (`/threadline retry`): a customer's message must not be dropped on the way to Slack.
   */
  readonly holdOnFailure?: (job: Job) => boolean;
  /**
   * Called when a job is given up (it failed for good, or its attempts ran out), before it is marked failed: tells
   * a person what was lost where they will see it (a reply failed in its thread). Throwing retries the job.
   */
  readonly gaveUp?: (job: Job, error: unknown) => Promise<void>;
  readonly now?: () => number;
}

export type JobOutcome = "done" | "retry" | "failed" | "parked" | "paced" | "lost";

export interface JobObserver {
  jobFinished(job: Job, outcome: JobOutcome, durationMs: number): void;
}

/** Jobs read per sweep; a full page means more are waiting, and the next sweep comes at once. */
const sweepPage = 1_000;

/**
 * Runs the outbox. Committed jobs are handed over in memory the moment they commit (`DeliveryQueue.onAvailable`);
 * each lane runs one job at a time in id (= commit) order, lanes run concurrently up to `concurrency`, and a job
 * waiting for its time (backoff, Slack pacing) holds a timer, not a slot. Every run starts with an atomic claim
 * that leases the job to this worker, so several processes can share one queue; the table is read only at start,
 * by the periodic sweep for work others left (a dead instance's expired leases), and never after each job.
 */
export class DeliveryWorker {
  private lanes: LaneScheduler;
  private readonly inFlight = new Map<number, Promise<void>>();
  private running = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private ownerCheckTimer: NodeJS.Timeout | null = null;
  private checkingOwners: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;
  private sweepRequested = false;
  private readonly now: () => number;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly handlers: JobHandlers,
    private readonly options: WorkerOptions,
    private readonly logger: CoreLogger,
    private readonly observer?: JobObserver,
  ) {
    this.now = options.now ?? Date.now;
    this.lanes = this.newLanes();
    queue.onAvailable((jobs) => {
      if (this.running) this.lanes.add(jobs);
    });
  }

  /** Takes over what a dead process left, loads the work in the table, and runs from then on. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.lanes = this.newLanes();
    await this.takeOverDeadOwners();
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepMs);
    this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(1, this.options.leaseMs / 3));
    this.ownerCheckTimer = setInterval(() => void this.checkOwners(), this.options.ownerCheckMs ?? 2_000);
    this.sweepTimer.unref();
    this.renewTimer.unref();
    this.ownerCheckTimer.unref();
  }

  /** Stops taking jobs and waits for the ones in flight; the rest stay in the table for next time. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.ownerCheckTimer) clearInterval(this.ownerCheckTimer);
    this.lanes.stop();
    await this.checkingOwners;
    await this.sweeping;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private newLanes(): LaneScheduler {
    return new LaneScheduler(
      this.options.concurrency,
      this.now,
      (lane, job) => this.execute(lane, job),
      () => this.requestSweep(),
    );
  }

  /** No job running or due now and no read of the table under way; jobs due later (a backoff, a nudge) wait. */
  get idle(): boolean {
    return this.inFlight.size === 0 && this.sweeping === null && !this.sweepRequested && this.lanes.idle;
  }

  get activeJobs(): number {
    return this.inFlight.size;
  }

  private sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        let jobs: readonly QueuedJob[];
        do {
          jobs = await this.queue.unclaimed(this.now(), sweepPage);
          if (this.running) this.lanes.add(jobs, { partial: true });
        } while (this.running && jobs.length === sweepPage && this.lanes.size < sweepPage);
      } catch (error) {
        this.logger.error({ err: error }, "delivery queue could not be read; trying again at the next sweep");
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
  }

  /** Expires the leases of owners whose process ended; true when there were any. */
  private async takeOverDeadOwners(): Promise<boolean> {
    try {
      const taken = await this.queue.expireLeasesOfDeadOwners();
      if (taken > 0)
        this.logger.warn({ jobs: taken }, "took over the jobs of a process that died mid-delivery");
      return taken > 0;
    } catch (error) {
      this.logger.error({ err: error }, "could not look for delivery jobs of dead processes");
      return false;
    }
  }

  /** One check at a time; jobs taken over are loaded by a sweep right away. */
  private checkOwners(): void {
    this.checkingOwners ??= (async () => {
      try {
        if (!(await this.takeOverDeadOwners()) || !this.running) return;
        // A sweep under way may have read the table before the leases ran out.
        await this.sweeping;
        await this.sweep();
      } finally {
        this.checkingOwners = null;
      }
    })();
  }

  /** Soon, once: several lanes running dry together cost one read. */
  private requestSweep(): void {
    if (this.sweepRequested || !this.running) return;
    this.sweepRequested = true;
    setImmediate(async () => {
      this.sweepRequested = false;
      await this.sweeping;
      void this.sweep();
    });
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.queue.renew(
        [...this.inFlight.keys()],
        this.options.owner,
        this.now() + this.options.leaseMs,
      );
    } catch (error) {
      this.logger.error({ err: error }, "could not renew delivery leases");
    }
  }

  /** Claims and runs the lane's head; returns when to look at the lane again (null: the head is settled). */
  private async execute(lane: string, queued: QueuedJob): Promise<StepResult> {
    const { owner, leaseMs } = this.options;
    const now = this.now();
    let job: Job | null;
    try {
      job = await this.queue.claim(queued.id, owner, now, now + leaseMs);
    } catch (error) {
      this.logger.error({ err: error, jobId: queued.id, lane }, "could not claim a delivery job");
      return { retryAt: now + this.options.backoff.baseDelayMs };
    }
    // Done, parked, or held by another instance: the table knows, and a sweep brings it back if it is still due.
    if (!job) return "settled";
    const run = this.run(job);
    this.inFlight.set(
      job.id,
      run.then(() => undefined),
    );
    try {
      return await run;
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  private async run(job: Job): Promise<StepResult> {
    const started = this.now();
    const context = {
      conversationId: laneConversationId(job.lane),
      jobId: job.id,
      kind: job.kind,
      lane: job.lane,
      attempt: job.attempts,
    };
    let outcome: JobOutcome;
    let next: StepResult = "settled";
    try {
      const handler = this.handlers[job.kind] as (job: Job) => Promise<void>;
      await handler(job);
      outcome = (await this.queue.complete(job, this.options.owner)) ? "done" : "lost";
      if (outcome === "lost")
        this.logger.warn(context, "delivery job finished after its lease was taken over");
      else this.logger.debug(context, "delivery job done");
    } catch (error) {
      [outcome, next] = await this.settleFailure(job, error, context);
    }
    this.observer?.jobFinished(job, outcome, this.now() - started);
    return next;
  }

  private async settleFailure(
    job: Job,
    error: unknown,
    context: Record<string, unknown>,
  ): Promise<[JobOutcome, StepResult]> {
    const { owner } = this.options;
    try {
      if (error instanceof JobParked) {
        await this.queue.park(job, owner, error.message);
        if (!(await error.stillBlocked())) {
          await this.queue.unpark(job.id);
          return ["retry", { retryAt: this.now() }];
        }
        this.logger.info({ ...context, reason: error.message }, "delivery job parked");
        return ["parked", "held"];
      }
      const delivery = error instanceof DeliveryError ? error : null;
      if (delivery?.category === "paced") {
        await this.queue.release(job, owner);
        return ["paced", { retryAt: this.now() + (delivery.retryAfterMs ?? 0) }];
      }
      if (delivery && !delivery.transient) {
        if (this.options.holdOnFailure?.(job)) return this.hold(job, delivery.reason, error, context);
        await this.options.gaveUp?.(job, error);
        await this.queue.fail(job, owner, `${delivery.code}: ${delivery.message}`);
        this.logger.error(
          { ...context, err: error, code: delivery.code, lost: lostWork(job) },
          "delivery failed permanently",
        );
        return ["failed", "settled"];
      }
      const rateLimited = delivery?.category === "rate_limited";
      if (!rateLimited && job.attempts >= this.options.backoff.maxAttempts) {
        if (this.options.holdOnFailure?.(job)) {
          const reason = `still failing after ${job.attempts} attempts (${delivery?.reason ?? errorMessage(error)})`;
          return this.hold(job, reason, error, context);
        }
        await this.options.gaveUp?.(job, error);
        await this.queue.fail(job, owner, errorMessage(error));
        this.logger.error(
          { ...context, err: error, lost: lostWork(job) },
          "delivery gave up after too many attempts",
        );
        return ["failed", "settled"];
      }
      const delay = Math.max(
        delivery?.retryAfterMs ?? 0,
        rateLimited ? 0 : retryDelayMs(this.options.backoff, job.attempts),
      );
      const retryAt = this.now() + delay;
      // Anything but a clear refusal may have reached the provider: the retry looks before it acts again.
      const uncertain = delivery ? delivery.outcomeUnknown : true;
      await this.queue.retry(job, owner, retryAt, errorMessage(error), uncertain);
      this.logger.warn(
        { ...context, err: error, code: delivery?.code ?? "UNEXPECTED", retryInMs: delay },
        rateLimited ? "delivery rate limited; will retry" : "delivery failed; will retry",
      );
      return ["retry", { retryAt }];
    } catch (settleError) {
      // The lease is still ours, so the lane takes the job up again here (claiming it as uncertain: its outcome
      // was not recorded) instead of waiting for the lease to run out.
      const retryAt = this.now() + retryDelayMs(this.options.backoff, job.attempts);
      this.logger.error(
        { ...context, err: settleError, retryInMs: retryAt - this.now() },
        "could not record the outcome of a delivery job; trying it again",
      );
      return ["retry", { retryAt }];
    }
  }

  /** Parks a job that failed for good with the reason, holding its lane (and order) until it is queued again. */
  private async hold(
    job: Job,
    reason: string,
    error: unknown,
    context: Record<string, unknown>,
  ): Promise<[JobOutcome, StepResult]> {
    await this.queue.park(job, this.options.owner, reason);
    this.logger.error(
      { ...context, err: error, reason },
      "delivery held: it failed for good and waits for /threadline retry",
    );
    return ["parked", "held"];
  }
}
