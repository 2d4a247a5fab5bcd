import type Database from "better-sqlite3";
import type { DeliveryQueue, Job, NewJob, QueuedJob, QueueStats } from "../../core/ports/queue.js";
import { dateFrom } from "../rows.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteOwnerLocks } from "./owner-locks.js";
import { sqliteDate } from "./prisma-adapter.js";

type Row = Record<string, unknown>;

/** A job row as the queue announces it. */
export const toQueued = (row: Row): QueuedJob =>
  ({
    id: Number(row.id),
    lane: String(row.lane),
    kind: row.kind,
    payload: JSON.parse(String(row.payload)),
    runAt: Number(row.runAt),
    createdAt: dateFrom(row.createdAt),
  }) as QueuedJob;

const toJob = (row: Row): Job => ({
  ...toQueued(row),
  attempts: Number(row.attempts),
  lastError: row.lastError === null ? null : String(row.lastError),
  uncertain: Boolean(row.uncertain),
});

/** No earlier job of the lane is still to do (pending, or parked and holding the lane). */
const laneHead = `NOT EXISTS (SELECT 1 FROM "DeliveryJob" e
  WHERE e."lane" = j."lane" AND e."state" IN ('pending', 'parked') AND e."id" < j."id")`;

/**
 * The outbox on SQLite: prepared statements on the app's connection, each write committed in the connection's
 * group commit. The store inserts jobs with `insert` inside its own writes and announces them after the commit.
 */
export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly listeners: ((jobs: readonly QueuedJob[]) => void)[] = [];
  private prepared: ReturnType<typeof queueStatements> | null = null;

  /** `owners`: how this process tells which lease owners have ended; null for none (a test of one queue). */
  constructor(
    private readonly connection: SqliteConnection,
    private readonly owners: SqliteOwnerLocks | null = null,
  ) {}

  /** Prepared on first use: the tables exist only once the database is migrated. */
  private get statements(): ReturnType<typeof queueStatements> {
    this.prepared ??= queueStatements(this.connection.db);
    return this.prepared;
  }

  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void {
    this.listeners.push(listener);
  }

  /** Inserts jobs; call inside a connection write, and `announce` them once it has committed. */
  insert(jobs: readonly NewJob[], now = new Date()): QueuedJob[] {
    const at = sqliteDate(now);
    return jobs.map((job) =>
      toQueued(
        this.statements.insert.get(
          job.lane,
          job.kind,
          JSON.stringify(job.payload),
          job.runAt ?? 0,
          at,
          at,
        ) as Row,
      ),
    );
  }

  announce(jobs: readonly QueuedJob[]): void {
    if (jobs.length === 0) return;
    for (const listener of this.listeners) listener(jobs);
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    this.announce(await this.connection.write(() => this.insert(jobs)));
  }

  async unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]> {
    return (this.statements.unclaimed.all({ now, limit }) as Row[]).map(toQueued);
  }

  async claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null> {
    const row = await this.connection.write(
      () => this.statements.claim.get({ id, owner, now, leaseUntil, at: sqliteDate(new Date(now)) }) as Row,
    );
    return row ? toJob(row) : null;
  }

  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    await this.connection.write(() => {
      for (const id of ids) this.statements.renew.run({ id, owner, leaseUntil });
    });
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    return this.connection.write(() => this.statements.complete.run({ id: job.id, owner }).changes === 1);
  }

  async retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void> {
    await this.connection.write(() =>
      this.statements.retry.run({
        id: job.id,
        owner,
        runAt,
        error,
        uncertain: uncertain ? 1 : 0,
        at: sqliteDate(new Date()),
      }),
    );
  }

  async release(job: Job, owner: string): Promise<void> {
    await this.connection.write(() => this.statements.release.run({ id: job.id, owner }));
  }

  async fail(job: Job, owner: string, error: string): Promise<void> {
    await this.settle(job, owner, "failed", error);
  }

  async park(job: Job, owner: string, reason: string): Promise<void> {
    await this.settle(job, owner, "parked", reason);
  }

  async unpark(jobId: number): Promise<void> {
    const row = await this.connection.write(() => this.statements.unpark.get(jobId) as Row | undefined);
    if (row) this.announce([toQueued(row)]);
  }

  async expireLeasesOfDeadOwners(): Promise<number> {
    if (!this.owners) return 0;
    return this.owners.reapDead((owner) =>
      this.connection.write(() => this.statements.expire.run(owner).changes),
    );
  }

  async stats(now = Date.now()): Promise<QueueStats> {
    const rows = this.statements.depth.all() as { state: string; count: number }[];
    const count = (state: string) => rows.find((row) => row.state === state)?.count ?? 0;
    const oldest = this.statements.oldest.get({ now }) as Row | undefined;
    return {
      depth: { pending: count("pending"), parked: count("parked"), failed: count("failed") },
      oldestWaitingAt: oldest ? dateFrom(oldest.createdAt) : null,
    };
  }

  private async settle(job: Job, owner: string, state: "failed" | "parked", error: string): Promise<void> {
    await this.connection.write(() =>
      this.statements.settle.run({ id: job.id, owner, state, error, at: sqliteDate(new Date()) }),
    );
  }
}

function queueStatements(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO "DeliveryJob" ("lane", "kind", "payload", "runAt", "createdAt",
        "updatedAt")
      VALUES (?, ?, ?, ?, ?, ?) RETURNING "id", "lane", "kind", "payload", "runAt", "createdAt"`),
    // Lane heads: walks pending jobs in id order on the (state, id) index and stops at LIMIT; the `+` keeps
    // SQLite off the (state, runAt) index, which would test and sort every pending job.
    unclaimed: db.prepare(`SELECT j."id", j."lane", j."kind", j."payload", j."runAt", j."createdAt"
      FROM "DeliveryJob" j
      WHERE j."state" = 'pending' AND (j."leaseOwner" IS NULL OR +j."leaseUntil" < @now) AND ${laneHead}
      ORDER BY j."id" LIMIT @limit`),
    claim: db.prepare(`UPDATE "DeliveryJob" AS j SET "leaseOwner" = @owner, "leaseUntil" = @leaseUntil,
        "attempts" = j."attempts" + 1, "uncertain" = (j."uncertain" OR j."leaseOwner" IS NOT NULL),
        "updatedAt" = @at
      WHERE j."id" = @id AND j."state" = 'pending' AND j."runAt" <= @now
        AND (j."leaseOwner" IS NULL OR j."leaseOwner" = @owner OR j."leaseUntil" < @now) AND ${laneHead}
      RETURNING *`),
    renew: db.prepare(`UPDATE "DeliveryJob" SET "leaseUntil" = @leaseUntil
      WHERE "id" = @id AND "leaseOwner" = @owner`),
    complete: db.prepare(`DELETE FROM "DeliveryJob" WHERE "id" = @id AND "leaseOwner" = @owner`),
    retry: db.prepare(`UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "runAt" = @runAt,
        "lastError" = @error, "uncertain" = ("uncertain" OR @uncertain), "updatedAt" = @at
      WHERE "id" = @id AND "leaseOwner" = @owner`),
    release: db.prepare(`UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0,
        "attempts" = "attempts" - 1 WHERE "id" = @id AND "leaseOwner" = @owner`),
    settle: db.prepare(`UPDATE "DeliveryJob" SET "leaseOwner" = NULL, "leaseUntil" = 0, "state" = @state,
        "lastError" = @error, "updatedAt" = @at WHERE "id" = @id AND "leaseOwner" = @owner`),
    unpark: db.prepare(`UPDATE "DeliveryJob" SET "state" = 'pending' WHERE "id" = ? AND "state" = 'parked'
      RETURNING "id", "lane", "kind", "payload", "runAt", "createdAt"`),
    expire: db.prepare(
      `UPDATE "DeliveryJob" SET "leaseUntil" = 0 WHERE "leaseOwner" = ? AND "leaseUntil" > 0`,
    ),
    depth: db.prepare(`SELECT "state", COUNT(*) AS "count" FROM "DeliveryJob" GROUP BY "state"`),
    // A job never tried whose time has not come is scheduled (a reminder), not waiting.
    oldest: db.prepare(`SELECT "createdAt" FROM "DeliveryJob" WHERE "state" IN ('pending', 'parked')
        AND NOT ("attempts" = 0 AND "runAt" > @now)
      ORDER BY "id" LIMIT 1`),
  };
}
