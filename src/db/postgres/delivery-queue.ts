import type pg from "pg";
import type { DeliveryQueue, Job, NewJob, QueuedJob, QueueStats } from "../../core/ports.js";
import { JobNotifications, notifyJobs } from "./job-notifications.js";
import { inTransaction, prepared } from "./pool.js";

type Row = Record<string, unknown>;

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

const statements = {
  // Serialises the writers of one lane until they commit, so ids of a lane are handed out in commit order:
  // otherwise a claim could see job 11 of a lane committed while job 10 is still in flight, and run it first.
  lockLanes: prepared(
    "threadline_jobs_lock_lanes",
    `SELECT pg_advisory_xact_lock(hashtextextended(l, 0)) FROM unnest($1::text[]) AS l ORDER BY l`,
  ),
  insert: prepared(
    "threadline_jobs_insert",
    `INSERT INTO "DeliveryJob" ("lane", "kind", "payload", "runAt", "createdAt", "updatedAt")
      SELECT l, k, p, r, $5, $5
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t(l, k, p, r, n)
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
  complete: prepared(
    "threadline_jobs_complete",
    `DELETE FROM "DeliveryJob" WHERE "id" = $1 AND "leaseOwner" = $2`,
  ),
  retry: prepared(
    "threadline_jobs_retry",
    `UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "runAt" = $3, "lastError" = $4,
        "uncertain" = $5, "updatedAt" = $6
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
  unpark: prepared(
    "threadline_jobs_unpark",
    `UPDATE "DeliveryJob" SET "state" = 'pending' WHERE "id" = $1 AND "state" = 'parked'
      RETURNING ${queuedColumns}`,
  ),
  owners: prepared(
    "threadline_jobs_owners",
    `SELECT DISTINCT "leaseOwner" FROM "DeliveryJob" WHERE "leaseOwner" IS NOT NULL`,
  ),
  expire: prepared(
    "threadline_jobs_expire",
    `UPDATE "DeliveryJob" SET "leaseUntil" = 0 WHERE "leaseOwner" = ANY($1::text[])`,
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
  /** This instance's name in job notices (the worker's lease owner does). */
  readonly instance: string;
  /** Where the LISTEN connection goes; null to hear only this instance's own jobs (tests of one instance). */
  readonly databaseUrl: string | null;
  readonly onError?: (error: Error) => void;
}

/**
 * The outbox on PostgreSQL: prepared statements through a pg pool. Jobs are announced to this instance's
 * listeners right after they commit, and to every other instance by a NOTIFY sent with the commit; each
 * listener loads the rows it hears of. Claims lock the row with `FOR UPDATE SKIP LOCKED` and lease it, so
 * instances never run the same job at once and a dead one's jobs are taken over when its lease runs out.
 */
export class PgDeliveryQueue implements DeliveryQueue {
  private readonly listeners: ((jobs: readonly QueuedJob[]) => void)[] = [];
  private readonly notifications: JobNotifications | null;

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
  }

  /** Starts hearing other instances' jobs; resolves once nothing committed from now on can be missed. */
  async listen(): Promise<void> {
    await this.notifications?.start();
  }

  async close(): Promise<void> {
    await this.notifications?.close();
  }

  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void {
    this.listeners.push(listener);
  }

  /** Inserts jobs and queues their notice, in the caller's transaction; `announce` them once it has committed. */
  async insert(client: pg.ClientBase, jobs: readonly NewJob[], now = new Date()): Promise<QueuedJob[]> {
    if (jobs.length === 0) return [];
    await client.query(statements.lockLanes([[...new Set(jobs.map((job) => job.lane))]]));
    const { rows } = await client.query(
      statements.insert([
        jobs.map((job) => job.lane),
        jobs.map((job) => job.kind),
        jobs.map((job) => JSON.stringify(job.payload)),
        jobs.map((job) => job.runAt ?? 0),
        now,
      ]),
    );
    const queued = rows.map(toQueued).sort((a, b) => a.id - b.id);
    await this.notify(client, queued);
    return queued;
  }

  /** Tells the other instances, when the caller's transaction commits, of jobs it made runnable. */
  async notify(client: pg.ClientBase, jobs: readonly QueuedJob[]): Promise<void> {
    await notifyJobs(
      client,
      this.options.instance,
      jobs.map((job) => job.id),
    );
  }

  announce(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    for (const listener of this.listeners) listener(jobs);
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    this.announce(await inTransaction(this.pool, (client) => this.insert(client, jobs)));
  }

  async unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]> {
    return (await this.pool.query(statements.unclaimed([now, limit]))).rows.map(toQueued);
  }

  async claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null> {
    const { rows } = await this.pool.query(statements.claim([id, owner, now, leaseUntil, new Date(now)]));
    return rows[0] ? toJob(rows[0]) : null;
  }

  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    await this.pool.query(statements.renew([ids, owner, leaseUntil]));
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    return (await this.pool.query(statements.complete([job.id, owner]))).rowCount === 1;
  }

  async retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void> {
    await this.pool.query(statements.retry([job.id, owner, runAt, error, uncertain, new Date()]));
  }

  async release(job: Job, owner: string): Promise<void> {
    await this.pool.query(statements.release([job.id, owner]));
  }

  async fail(job: Job, owner: string, error: string): Promise<void> {
    await this.settle(job, owner, "failed", error);
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

  async expireLeasesOf(isDead: (owner: string) => boolean): Promise<number> {
    const { rows } = await this.pool.query(statements.owners());
    const owners = rows.map((row) => String(row.leaseOwner)).filter(isDead);
    if (owners.length === 0) return 0;
    return (await this.pool.query(statements.expire([owners]))).rowCount ?? 0;
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

  private async settle(job: Job, owner: string, state: "failed" | "parked", error: string): Promise<void> {
    await this.pool.query(statements.settle([job.id, owner, state, error, new Date()]));
  }

  /** Jobs another instance committed: still pending ones are announced here too, in id order. */
  private async loadAnnounced(ids: readonly number[]): Promise<void> {
    try {
      this.announce((await this.pool.query(statements.load([ids]))).rows.map(toQueued));
    } catch (error) {
      (this.options.onError ?? (() => {}))(error as Error);
    }
  }
}
