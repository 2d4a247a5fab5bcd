import { DeliveryError, errorMessage, JobParked } from "../../errors.js";
import type { CoreLogger, Job, JobKind, Store } from "../ports.js";
import { type BackoffPolicy, retryDelayMs } from "./backoff.js";

export type JobHandler = (job: Job) => Promise<void>;
export type JobHandlers = { readonly [K in JobKind]: (job: Extract<Job, { kind: K }>) => Promise<void> };

export interface WorkerOptions {
  readonly concurrency: number;
  readonly backoff: BackoffPolicy;
  /** Upper bound on how long an idle worker sleeps before looking at the table again. */
  readonly idlePollMs: number;
  readonly now?: () => number;
}

export interface JobObserver {
  jobFinished(job: Job, outcome: "done" | "retry" | "failed" | "parked", durationMs: number): void;
}

/**
 * Drains the outbox. Each lane's jobs run one at a time in id order (the order their causes were
 * committed); different lanes run concurrently up to `concurrency`. Everything lives in the table, so a
 * restart simply picks up where the last process stopped.
 */
export class DeliveryWorker {
  private readonly busyLanes = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly handlers: JobHandlers,
    private readonly options: WorkerOptions,
    private readonly logger: CoreLogger,
    private readonly observer?: JobObserver,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was enqueued or became runnable: look now instead of at the next poll. */
  notify = (): void => {
    this.wakeRequested = true;
    this.wake?.();
  };

  /** Stops taking jobs and waits for the ones in flight; pending ones stay in the table for next time. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  get activeJobs(): number {
    return this.inFlight.size;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      const claimedAt = this.now();
      let claimed = 0;
      try {
        claimed = await this.claimAndStart(claimedAt);
      } catch (error) {
        this.logger.error({ err: error }, "delivery queue could not read jobs");
      }
      if (!this.running) break;
      if (claimed > 0 && this.inFlight.size < this.options.concurrency) continue;
      await this.sleep(await this.idleDelay(claimedAt));
    }
  }

  private async claimAndStart(now: number): Promise<number> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const jobs = await this.store.claimableJobs(free, this.busyLanes, now);
    for (const job of jobs) {
      this.busyLanes.add(job.lane);
      const execution = this.execute(job).finally(() => {
        this.busyLanes.delete(job.lane);
        this.inFlight.delete(execution);
        this.notify();
      });
      this.inFlight.add(execution);
    }
    return jobs.length;
  }

  /**
   * Until the next retry falls due. A job that was already due at the last claim yet not claimed waits
   * behind a busy or parked lane head; the head's completion (notify) or unparking wakes the loop for it.
   */
  private async idleDelay(claimedAt: number): Promise<number> {
    if (this.wakeRequested) return 0;
    try {
      const due = await this.store.nextJobDueAt();
      if (due === null || due <= claimedAt) return this.options.idlePollMs;
      return Math.min(this.options.idlePollMs, due - this.now());
    } catch {
      return this.options.idlePollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.wakeRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  private async execute(job: Job): Promise<void> {
    const started = this.now();
    const context = { jobId: job.id, kind: job.kind, lane: job.lane, attempt: job.attempts + 1 };
    let outcome: "done" | "retry" | "failed" | "parked";
    try {
      await this.store.startJob(job.id);
      const handler = this.handlers[job.kind] as (job: Job) => Promise<void>;
      await handler(job);
      await this.store.completeJob(job.id);
      outcome = "done";
      this.logger.debug(context, "delivery job done");
    } catch (error) {
      outcome = await this.settleFailure(job, error, context);
    }
    this.observer?.jobFinished(job, outcome, this.now() - started);
  }

  private async settleFailure(
    job: Job,
    error: unknown,
    context: Record<string, unknown>,
  ): Promise<"retry" | "failed" | "parked"> {
    try {
      if (error instanceof JobParked) {
        await this.store.parkJob(job.id, error.message);
        if (!(await error.stillBlocked())) {
          await this.store.unparkJob(job.id);
          this.notify();
          return "retry";
        }
        this.logger.info({ ...context, reason: error.message }, "delivery job parked");
        return "parked";
      }
      const attempt = job.attempts + 1;
      const delivery = error instanceof DeliveryError ? error : null;
      const rateLimited = delivery?.code === "RATE_LIMITED";
      if (delivery && !delivery.transient) {
        await this.store.failJob(job.id, `${delivery.code}: ${delivery.message}`);
        this.logger.error({ ...context, err: error, code: delivery.code }, "delivery failed permanently");
        return "failed";
      }
      if (!rateLimited && attempt >= this.options.backoff.maxAttempts) {
        await this.store.failJob(job.id, errorMessage(error));
        this.logger.error({ ...context, err: error }, "delivery gave up after too many attempts");
        return "failed";
      }
      const delay = Math.max(
        delivery?.retryAfterMs ?? 0,
        rateLimited ? 0 : retryDelayMs(this.options.backoff, attempt),
      );
      await this.store.retryJob(job.id, this.now() + delay, errorMessage(error));
      this.logger.warn(
        { ...context, err: error, code: delivery?.code ?? "UNEXPECTED", retryInMs: delay },
        rateLimited ? "delivery rate limited; will retry" : "delivery failed; will retry",
      );
      return "retry";
    } catch (settleError) {
      this.logger.error(
        { ...context, err: settleError },
        "could not record delivery failure; job stays pending",
      );
      return "retry";
    }
  }
}
