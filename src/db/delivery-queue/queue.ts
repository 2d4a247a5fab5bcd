import type { DeliveryQueue, Job, NewJob, QueuedJob, QueueStats } from "../../core/ports/queue.js";
import { dateFrom } from "../rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { all, first, type TransactionStep } from "../sql/transaction.js";
import {
  type JobInsertion,
  type JobNotices,
  type LeaseOwners,
  noNotices,
  ownersLeftToTheirLease,
} from "./dialect.js";
import { insertOneByOne } from "./one-by-one.js";
import { type QueuedRow, toJob, toQueued } from "./rows.js";
import * as statements from "./statements.js";

/** Past this many ids not yet claimed (a stopped worker), they are forgotten: they only spare a notice or a read. */
const maxRemembered = 10_000;

/** What the queue does its own way on a database; each part defaults to what one process on its own needs. */
export interface QueueDialect {
  readonly insertion?: JobInsertion;
  readonly owners?: LeaseOwners;
  readonly notices?: JobNotices;
  /** Errors that belong to no call: reading the lane's next job after a settle (the sweep finds it anyway). */
  readonly onError?: (error: Error) => void;
}

function prepareAll(database: SqlDatabase) {
  return {
    pendingJob: database.prepare(statements.pendingJob),
    unclaimed: database.prepare(statements.unclaimed),
    claim: database.prepare(statements.claim),
    renew: database.prepare(statements.renew),
    complete: database.prepare(statements.complete),
    retry: database.prepare(statements.retry),
    release: database.prepare(statements.release),
    settle: database.prepare(statements.settle),
    unpark: database.prepare(statements.unpark),
    unparkLane: database.prepare(statements.unparkLane),
    laneJobs: database.prepare(statements.laneJobs),
    expire: database.prepare(statements.expire),
    depth: database.prepare(statements.depth),
    oldest: database.prepare(statements.oldest),
  };
}

/**
 * The outbox, written once for SQLite and PostgreSQL (decision 0024). The instance that commits a job runs it:
 * the job goes to this instance's listeners right after the commit. Other instances hear of a job only when it
 * waits behind a lane head they hold (see `claim`) or is unparked; settling a head hands its lane's next job to
 * the settler, and the worker's sweep takes on what a dead instance left. A claim leases the row (and on
 * PostgreSQL locks it, skipping a row another claimer holds), so instances never run one job at once; a dead
 * owner's jobs are taken over once it is seen gone (decision 0016), or else when their lease runs out.
 */
export class SqlDeliveryQueue implements DeliveryQueue {
  private readonly listeners: ((jobs: readonly QueuedJob[]) => void)[] = [];
  /** Jobs this instance committed and has not tried to claim yet. */
  private readonly committedHere = new Set<number>();
  /** Jobs handed to this instance's worker (committed here or heard of) that it has not tried to claim yet. */
  private readonly handedOver = new Set<number>();
  private readonly statements: ReturnType<typeof prepareAll>;
  private readonly insertion: JobInsertion;
  private readonly owners: LeaseOwners;
  private readonly notices: JobNotices;
  private readonly onError: (error: Error) => void;

  constructor(
    private readonly database: SqlDatabase,
    dialect: QueueDialect = {},
  ) {
    this.statements = prepareAll(database);
    this.insertion = dialect.insertion ?? insertOneByOne(database);
    this.owners = dialect.owners ?? ownersLeftToTheirLease;
    this.notices = dialect.notices ?? noNotices;
    this.onError = dialect.onError ?? (() => {});
    this.notices.listen((ids) => this.deliverPending(ids));
  }

  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void {
    this.listeners.push(listener);
  }

  /** Inserts jobs as a step of the caller's transaction; answers them as queued. */
  *insertJobs(jobs: readonly NewJob[], now: Date): Generator<TransactionStep, QueuedJob[], unknown[]> {
    if (jobs.length === 0) return [];
    return (yield* this.insertion.insert(jobs, now)).map(toQueued);
  }

  /**
   * As a step of the caller's transaction, the parked jobs of `lanes` run again (a held message released); the
   * other instances are told once it commits. Answers the lanes' pending jobs, to `announce` after the commit.
   */
  *releaseLanes(lanes: readonly string[]): Generator<TransactionStep, QueuedJob[], unknown[]> {
    const released: QueuedJob[] = [];
    for (const lane of lanes) {
      if ((yield* all(this.statements.unparkLane, { lane })).length === 0) continue;
      released.push(...(yield* all(this.statements.laneJobs, { lane })).map(toQueued));
    }
    yield* this.notices.tell(released.map((job) => job.id));
    return released;
  }

  /** After the caller's transaction committed: hands the jobs to this process's worker, which claims them first. */
  announce(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    if (this.committedHere.size > maxRemembered) this.committedHere.clear();
    for (const job of jobs) this.committedHere.add(job.id);
    this.deliver(jobs);
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    this.announce(await this.database.transaction(() => this.insertJobs(jobs, new Date())));
  }

  async unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]> {
    return (await this.statements.unclaimed.read({ now, limit })).map(toQueued);
  }

  /**
   * When the first claim of a job this instance committed fails while the job is still pending, an earlier job
   * of its lane is held elsewhere (leased by another instance, or parked): the other instances are told, so the
   * holder runs it next. Only then is a notice sent, outside any hot-path transaction (decision 0006).
   */
  async claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null> {
    const [row] = await this.statements.claim.write({ id, owner, now, leaseUntil, at: new Date(now) });
    const committedHere = this.committedHere.delete(id);
    this.handedOver.delete(id);
    if (row) return toJob(row);
    if (committedHere) await this.notices.tellIfPending(id);
    return null;
  }

  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    await Promise.all(ids.map((id) => this.statements.renew.write({ id, owner, leaseUntil })));
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    const [settled] = await this.statements.complete.write({ id: job.id, owner });
    await this.takeOnNext(settled?.next ?? null);
    return settled !== undefined;
  }

  async retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void> {
    await this.statements.retry.write({ id: job.id, owner, runAt, error, uncertain, at: new Date() });
  }

  async release(job: Job, owner: string): Promise<void> {
    await this.statements.release.write({ id: job.id, owner });
  }

  async fail(job: Job, owner: string, error: string): Promise<void> {
    const values = { id: job.id, owner, state: "failed" as const, error, at: new Date() };
    const [settled] = await this.statements.settle.write(values);
    await this.takeOnNext(settled?.next ?? null);
  }

  /** The parked job holds its lane: the lane's next job waits for it. */
  async park(job: Job, owner: string, reason: string): Promise<void> {
    await this.statements.settle.write({ id: job.id, owner, state: "parked", error: reason, at: new Date() });
  }

  async unpark(jobId: number): Promise<void> {
    const { unpark } = this.statements;
    const notices = this.notices;
    const row = await this.database.transaction(function* () {
      const unparked = yield* first(unpark, { id: jobId });
      if (unparked) yield* notices.tell([unparked.id]);
      return unparked;
    });
    if (row) this.announce([toQueued(row)]);
  }

  async expireLeasesOfDeadOwners(): Promise<number> {
    return this.owners.reapDead(async (owner) => (await this.statements.expire.write({ owner })).length);
  }

  async stats(now = Date.now()): Promise<QueueStats> {
    const [depth, oldest] = await Promise.all([
      this.statements.depth.read({}),
      this.statements.oldest.read({ now }),
    ]);
    const count = (state: string) => Number(depth.find((row) => row.state === state)?.count ?? 0);
    const [oldestRow] = oldest;
    return {
      depth: { pending: count("pending"), parked: count("parked"), failed: count("failed") },
      oldestWaitingAt: oldestRow ? dateFrom(oldestRow.createdAt) : null,
    };
  }

  /**
   * The lane's next job after a head this instance settled: its worker runs it next, wherever it was committed
   * (another instance's claim of it gave way to the head). One its worker was handed already (committed here, or
   * heard of) is not read again. The settle has committed whatever happens here: a failed read is reported, and
   * the sweep finds the job.
   */
  private async takeOnNext(next: number | null): Promise<void> {
    if (next === null || this.handedOver.has(next)) return;
    await this.deliverPending([next]).catch(this.onError);
  }

  /** Jobs another instance made runnable: the pending ones go to this instance's worker, in id order. */
  private async deliverPending(ids: readonly number[]): Promise<void> {
    const rows: QueuedRow[] = [];
    for (const id of [...ids].sort((a, b) => a - b))
      rows.push(...(await this.statements.pendingJob.read({ id })));
    this.deliver(rows.map(toQueued));
  }

  private deliver(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    if (this.handedOver.size > maxRemembered) this.handedOver.clear();
    for (const job of jobs) this.handedOver.add(job.id);
    for (const listener of this.listeners) listener(jobs);
  }
}
