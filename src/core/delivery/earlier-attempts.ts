import { DeliveryError, errorMessage } from "../errors.js";
import type { Job } from "../ports/queue.js";

/** What a look for a job's earlier attempt answered: what it found (null: nothing), or that it could not tell. */
export type EarlierAttempt<T> = { readonly found: T | null } | { readonly unknown: string };

interface Memo {
  answer?: EarlierAttempt<unknown>;
  /** When the look-ups of this job started failing (epoch ms). */
  failingSince?: number;
}

/** How long look-ups may keep failing before a job stops waiting for their answer: five minutes. */
export const defaultLookupPatienceMs = 5 * 60_000;

/**
 * The look-ups uncertain jobs make for their earlier attempt (Slack post metadata, a provider's message log), one
 * per job: the answer is kept until an attempt that may have taken effect is made after it, so a job paced or
 * refused by a rate limit does not ask again. A look-up that fails, whatever the error, is retried like a
 * transient failure (`LOOKUP_FAILED`), until it has failed for `patienceMs`: then the answer is "unknown", and
 * the handler decides what that means for its side effect.
 *
 * Kept in memory: after a restart, or on another instance, the job looks again, with a fresh patience.
 */
export class EarlierAttempts {
  /** By job id, then by what was looked for (a job may post a thread's parent before its own message). */
  private readonly memos = new Map<number, Map<string, Memo>>();

  constructor(
    private readonly patienceMs: number,
    private readonly now: () => number,
    /** Jobs remembered at most, the oldest dropped first (a job that failed for good is never settled here). */
    private readonly maxJobs = 10_000,
  ) {}

  /**
   * The `what` of the job's earlier attempt, looked for once; `undefined` for a job with no uncertain attempt
   * behind it.
   */
  async look<T>(
    job: Job,
    what: string,
    lookup: () => Promise<T | null>,
  ): Promise<EarlierAttempt<T> | undefined> {
    if (!job.uncertain) return undefined;
    const memo = this.memo(job.id, what);
    if (memo.answer) return memo.answer as EarlierAttempt<T>;
    try {
      memo.answer = { found: await lookup() };
      delete memo.failingSince;
    } catch (error) {
      // Our own pacing made no request: nothing was asked, nothing failed.
      if (error instanceof DeliveryError && error.category === "paced") throw error;
      const now = this.now();
      memo.failingSince ??= now;
      if (now - memo.failingSince < this.patienceMs) throw new LookupFailed(error);
      memo.answer = { unknown: errorMessage(error) };
    }
    return memo.answer as EarlierAttempt<T>;
  }

  /** The job's attempt ended: done, or failed in a way that may have taken effect (the next one looks again). */
  settled(job: Job, error?: unknown): void {
    const stillTrue = error instanceof DeliveryError && !error.outcomeUnknown;
    if (!stillTrue) this.memos.delete(job.id);
  }

  private memo(jobId: number, what: string): Memo {
    let job = this.memos.get(jobId);
    if (!job) {
      job = new Map();
      this.memos.set(jobId, job);
      const oldest = this.memos.keys().next().value;
      if (this.memos.size > this.maxJobs && oldest !== undefined) this.memos.delete(oldest);
    }
    let memo = job.get(what);
    if (!memo) {
      memo = {};
      job.set(what, memo);
    }
    return memo;
  }
}

/** A look-up for an earlier attempt failed: retried like a transient failure, after a rate limit's wait. */
export class LookupFailed extends DeliveryError {
  constructor(cause: unknown) {
    const delivery = cause instanceof DeliveryError ? cause : null;
    super("LOOKUP_FAILED", `could not look for the earlier attempt: ${errorMessage(cause)}`, {
      transient: true,
      category: delivery?.category === "rate_limited" ? "rate_limited" : "transient",
      ...(delivery?.retryAfterMs === undefined ? {} : { retryAfterMs: delivery.retryAfterMs }),
      cause,
    });
  }
}
