import type pg from "pg";
import type { DeliveryQueue, Job, NewJob, QueuedJob, QueueStats } from "../../core/ports/queue.js";
import { JobNotifications, type JobsNotice, jobsChannel, notifyJobs } from "./job-notifications.js";
import { ownerLockClass, PgOwnerLock, unlockedOwnersSql } from "./owner-lock.js";
import { inTransaction, prepared } from "./pool.js";

type Row = Record<string, unknown>;

/** Past this many ids not yet claimed (a stopped worker), they are forgotten: the notices are only hints. */
const maxCommittedHere = 10_000;

export const toQueued = (row: Row): QueuedJob =>
  ({
    id: Number(row.id),
    lane: String(row.lane),
    kind: row.kind,
    payload: JSON.parse(String(row.payload)),
    runAt: Number(row.runAt),
    createdAt: row.createdAt as Date,
  }) as QueuedJob;

const toJob = (row: Row): Job => ({
  ...toQueued(row),
  attempts: Number(row.attempts),
  lastError: row.lastError === null ? null : String(row.lastError),
  uncertain: Boolean(row.uncertain),
});

const queuedColumns = `"id", "lane", "kind", "payload", "runAt", "createdAt"`;

/** No earlier job of the lane is still to do (pending, or parked and holding the lane). */
const laneHead = `NOT EXISTS (SELECT 1 FROM "DeliveryJob" e
  WHERE e."lane" = j."lane" AND e."state" IN ('pending', 'parked') AND e."id" < j."id")`;

/**
 * One row per settled job `d` (none when the lease was lost): `settled`, and the lane's next pending job if any.
 * Whoever runs a lane's head takes its next job on from the table, so a job another instance committed behind
 * a head this one held is not left to the sweep.
 */
const nextOf = (settled: string) => `SELECT d."id" AS "settled", n.* FROM ${settled} d
  LEFT JOIN LATERAL (SELECT ${queuedColumns} FROM "DeliveryJob" j
    WHERE j."lane" = d."lane" AND j."state" = 'pending' AND j."id" > d."id" ORDER BY j."id" LIMIT 1) n ON true`;

const statements = {
  // Takes the lanes' locks, then inserts: the locks serialise the writers of one lane until they commit, so ids
  // of a lane are handed out in commit order (otherwise a claim could see job 11 of a lane committed while job 10
  // is still in flight, and run it first). One statement: the locks are an InitPlan, taken before any row.
  insert: prepared(
    "threadline_jobs_insert",
    `INSERT INTO "DeliveryJob" ("lane", "kind", "payload", "runAt", "createdAt", "updatedAt")
      SELECT l, k, p, r, $5, $5
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t(l, k, p, r, n)
      WHERE (SELECT COUNT(pg_advisory_xact_lock(hashtextextended(lane, 0)))
        FROM (SELECT DISTINCT lane FROM unnest($1::text[]) AS lane ORDER BY lane) AS locked) >= 0
      ORDER BY n RETURNING ${queuedColumns}`,
  ),
  load: prepared(
    "threadline_jobs_load",
    `SELECT ${queuedColumns} FROM "DeliveryJob" WHERE "id" = ANY($1::int[]) AND "state" = 'pending' ORDER BY "id"`,
  ),
  unclaimed: prepared(
    "threadline_jobs_unclaimed",
    `SELECT j."id", j."lane", j."kind", j."payload", j."runAt", j."createdAt" FROM "DeliveryJob" j
      WHERE j."state" = 'pending' AND (j."leaseOwner" IS NULL OR j."leaseUntil" < $1) AND ${laneHead}
      ORDER BY j."id" LIMIT $2`,
  ),
  // The row is locked by the subquery; SKIP LOCKED makes a second claimer of the same job give up at once
  // instead of waiting for the first to commit.
  claim: prepared(
    "threadline_jobs_claim",
    `UPDATE "DeliveryJob" AS u SET "leaseOwner" = $2, "leaseUntil" = $4, "attempts" = u."attempts" + 1,
        "uncertain" = (u."uncertain" OR u."leaseOwner" IS NOT NULL), "updatedAt" = $5
      WHERE u."id" = (SELECT j."id" FROM "DeliveryJob" j
        WHERE j."id" = $1 AND j."state" = 'pending' AND j."runAt" <= $3
          AND (j."leaseOwner" IS NULL OR j."leaseOwner" = $2 OR j."leaseUntil" < $3) AND ${laneHead}
        FOR UPDATE SKIP LOCKED)
      RETURNING u.*`,
  ),
  renew: prepared(
    "threadline_jobs_renew",
    `UPDATE "DeliveryJob" SET "leaseUntil" = $3 WHERE "id" = ANY($1::int[]) AND "leaseOwner" = $2`,
  ),
  // The lane's next job comes back with the deletion: it may be another instance's, which gave up its claim
  // while this one held the lane (see `nextOf`).
  complete: prepared(
    "threadline_jobs_complete",
    `WITH d AS (DELETE FROM "DeliveryJob" WHERE "id" = $1 AND "leaseOwner" = $2 RETURNING "id", "lane")
      ${nextOf("d")}`,
  ),
  retry: prepared(
    "threadline_jobs_retry",
    `UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "runAt" = $3, "lastError" = $4,
        "uncertain" = ("uncertain" OR $5), "updatedAt" = $6
      WHERE "id" = $1 AND "leaseOwner" = $2`,
  ),
  release: prepared(
    "threadline_jobs_release",
    `UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "attempts" = "attempts" - 1
      WHERE "id" = $1 AND "leaseOwner" = $2`,
  ),
  settle: prepared(
    "threadline_jobs_settle",
    `UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "state" = $3, "lastError" = $4,
        "updatedAt" = $5 WHERE "id" = $1 AND "leaseOwner" = $2`,
  ),
  fail: prepared(
    "threadline_jobs_fail",
    `WITH d AS (UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "state" = 'failed',
        "lastError" = $3, "updatedAt" = $4 WHERE "id" = $1 AND "leaseOwner" = $2 RETURNING "id", "lane")
      ${nextOf("d")}`,
  ),
  pendingHint: prepared(
    "threadline_jobs_pending_hint",
    `SELECT pg_notify($1, $2) FROM "DeliveryJob" WHERE "id" = $3 AND "state" = 'pending'`,
  ),
  unpark: prepared(
    "threadline_jobs_unpark",
    `UPDATE "DeliveryJob" SET "state" = 'pending' WHERE "id" = $1 AND "state" = 'parked'
      RETURNING ${queuedColumns}`,
  ),
  unlockedOwners: prepared("threadline_jobs_unlocked_owners", unlockedOwnersSql),
  expire: prepared(
    "threadline_jobs_expire",
    `UPDATE "DeliveryJob" SET "leaseUntil" = 0
      WHERE "state" = 'pending' AND "leaseOwner" = ANY($1::text[]) AND "leaseUntil" > 0`,
  ),
  depth: prepared(
    "threadline_jobs_depth",
    `SELECT "state", COUNT(*)::int AS "count" FROM "DeliveryJob" GROUP BY "state"`,
  ),
  oldest: prepared(
    "threadline_jobs_oldest",
    // A job never tried whose time has not come is scheduled (a reminder), not waiting.
    `SELECT "createdAt" FROM "DeliveryJob" WHERE "state" IN ('pending', 'parked')
      AND NOT ("attempts" = 0 AND "runAt" > $1) ORDER BY "id" LIMIT 1`,
  ),
};

export interface PgDeliveryQueueOptions {
  /** This instance's name in job notices and on its owner lock (the worker's lease owner). */
  readonly instance: string;
  /**
   * Where the LISTEN connection and the owner lock go; null to hear only this instance's own jobs and judge no
   * owner (tests of one instance).
   */
  readonly databaseUrl: string | null;
  /**
   * How long an owner's lock must have been seen free, on an earlier check, before it is judged dead (1.5 s):
   * longer than a live instance takes to lock again after its connection dropped (PgOwnerLock).
   */
  readonly deadAfterMs?: number;
  readonly onError?: (error: Error) => void;
}

/**
 * The outbox on PostgreSQL: prepared statements through a pg pool. The instance that commits a job runs it: the
 * job goes to this instance's listeners right after the commit, with no NOTIFY in the transaction (commits that
 * NOTIFY queue on one lock across the whole server). The others hear of a job only when it waits behind a lane
 * head they hold (see `claim`) or is unparked; settling a head hands its lane's next job to the settler, and the
 * worker's sweep takes on what a dead instance left. Claims lock the row with `FOR UPDATE SKIP LOCKED` and lease
 * it, so instances never run the same job at once; a dead one's jobs are taken over once its owner lock is seen
 * gone (decision 0016), or else when their lease runs out.
 */
export class PgDeliveryQueue implements DeliveryQueue {
  private readonly listeners: ((jobs: readonly QueuedJob[]) => void)[] = [];
  private readonly notifications: JobNotifications | null;
  /** Jobs this instance committed and has not tried to claim yet. */
  private readonly committedHere = new Set<number>();
  private readonly ownerLock: PgOwnerLock | null;
  /** Owners whose lock was free at the last check, and since when it has been seen free. */
  private unlockedSince = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgDeliveryQueueOptions,
  ) {
    const onError = options.onError ?? (() => {});
    this.notifications = options.databaseUrl
      ? new JobNotifications(
          options.databaseUrl,
          options.instance,
          (ids) => void this.loadAnnounced(ids),
          onError,
        )
      : null;
    this.ownerLock = options.databaseUrl
      ? new PgOwnerLock(options.databaseUrl, options.instance, onError)
      : null;
  }

  /**
   * Marks this instance alive (before its worker takes a lease) and starts hearing other instances' jobs;
   * resolves once nothing committed from now on can be missed.
   */
  async listen(): Promise<void> {
    await this.ownerLock?.hold();
    await this.notifications?.start();
  }

  async close(): Promise<void> {
    await this.notifications?.close();
    await this.ownerLock?.close();
  }

  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void {
    this.listeners.push(listener);
  }

  /** Inserts jobs in the caller's transaction; `announce` them once it has committed. */
  async insert(client: pg.ClientBase, jobs: readonly NewJob[], now = new Date()): Promise<QueuedJob[]> {
    if (jobs.length === 0) return [];
    const { rows } = await client.query(
      statements.insert([
        jobs.map((job) => job.lane),
        jobs.map((job) => job.kind),
        jobs.map((job) => JSON.stringify(job.payload)),
        jobs.map((job) => job.runAt ?? 0),
        now,
      ]),
    );
    return rows.map(toQueued).sort((a, b) => a.id - b.id);
  }

  /** Tells the other instances, when the caller's transaction commits, of jobs it made runnable again. */
  async notify(client: pg.ClientBase, jobs: readonly QueuedJob[]): Promise<void> {
    await notifyJobs(
      client,
      this.options.instance,
      jobs.map((job) => job.id),
    );
  }

  /** Hands jobs this instance committed to its worker, which claims them first (see `claim`). */
  announce(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    if (this.committedHere.size > maxCommittedHere) this.committedHere.clear();
    for (const job of jobs) this.committedHere.add(job.id);
    this.deliver(jobs);
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    this.announce(await inTransaction(this.pool, (client) => this.insert(client, jobs)));
  }

  async unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]> {
    return (await this.pool.query(statements.unclaimed([now, limit]))).rows.map(toQueued);
  }

  /**
   * When the first claim of a job this instance committed fails while the job is still pending, an earlier job
   * of its lane is held elsewhere (leased by another instance, or parked): a notice tells the others, so the
   * holder runs it next. Only then is a NOTIFY sent, outside any hot-path transaction (decision 0006).
   */
  async claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null> {
    const { rows } = await this.pool.query(statements.claim([id, owner, now, leaseUntil, new Date(now)]));
    const committedHere = this.committedHere.delete(id);
    if (rows[0]) return toJob(rows[0]);
    if (committedHere && this.notifications) {
      const notice: JobsNotice = { from: this.options.instance, ids: [id] };
      await this.pool.query(statements.pendingHint([jobsChannel, JSON.stringify(notice), id]));
    }
    return null;
  }

  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    await this.pool.query(statements.renew([ids, owner, leaseUntil]));
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    return this.settledWithNext(await this.pool.query(statements.complete([job.id, owner])));
  }

  async retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void> {
    await this.pool.query(statements.retry([job.id, owner, runAt, error, uncertain, new Date()]));
  }

  async release(job: Job, owner: string): Promise<void> {
    await this.pool.query(statements.release([job.id, owner]));
  }

  async fail(job: Job, owner: string, error: string): Promise<void> {
    this.settledWithNext(await this.pool.query(statements.fail([job.id, owner, error, new Date()])));
  }

  async park(job: Job, owner: string, reason: string): Promise<void> {
    await this.settle(job, owner, "parked", reason);
  }

  async unpark(jobId: number): Promise<void> {
    const queued = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(statements.unpark([jobId]));
      if (rows[0]) await notifyJobs(client, this.options.instance, [jobId]);
      return rows.map(toQueued);
    });
    this.announce(queued);
  }

  /**
   * An owner is dead when its lock is found free on two checks in a row, `deadAfterMs` apart at least: after a
   * dropped connection or a PostgreSQL restart, every instance takes its lock again within about a second, and
   * is not judged in the meantime. Nobody is judged while this instance's own lock is not held (its connection
   * is down, perhaps the server's too).
   */
  async expireLeasesOfDeadOwners(): Promise<number> {
    if (!this.ownerLock?.held) return 0;
    const { rows } = await this.pool.query(statements.unlockedOwners([ownerLockClass]));
    const now = Date.now();
    const before = this.unlockedSince;
    this.unlockedSince = new Map(
      rows.map((row) => [String(row.leaseOwner), before.get(String(row.leaseOwner)) ?? now]),
    );
    const deadAfterMs = this.options.deadAfterMs ?? 1_500;
    const dead = [...this.unlockedSince]
      .filter(([owner, first]) => before.has(owner) && now - first >= deadAfterMs)
      .map(([owner]) => owner);
    if (dead.length === 0) return 0;
    return (await this.pool.query(statements.expire([dead]))).rowCount ?? 0;
  }

  async stats(now = Date.now()): Promise<QueueStats> {
    const [depth, oldest] = await Promise.all([
      this.pool.query(statements.depth()),
      this.pool.query(statements.oldest([now])),
    ]);
    const count = (state: string) => Number(depth.rows.find((row) => row.state === state)?.count ?? 0);
    return {
      depth: { pending: count("pending"), parked: count("parked"), failed: count("failed") },
      oldestWaitingAt: (oldest.rows[0]?.createdAt as Date | undefined) ?? null,
    };
  }

  /** Whether the job was settled; the lane's next job, if any, goes to this instance's worker. */
  private settledWithNext({ rows }: pg.QueryResult): boolean {
    const next = rows.filter((row) => row.id !== null).map(toQueued);
    this.deliver(next);
    return rows.length > 0;
  }

  private deliver(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    for (const listener of this.listeners) listener(jobs);
  }

  private async settle(job: Job, owner: string, state: "parked", error: string): Promise<void> {
    await this.pool.query(statements.settle([job.id, owner, state, error, new Date()]));
  }

  /** Jobs another instance committed: still pending ones are announced here too, in id order. */
  private async loadAnnounced(ids: readonly number[]): Promise<void> {
    try {
      this.deliver((await this.pool.query(statements.load([ids]))).rows.map(toQueued));
    } catch (error) {
      (this.options.onError ?? (() => {}))(error as Error);
    }
  }
}
