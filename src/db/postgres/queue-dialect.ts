import { type Compilable, sql } from "kysely";
import type { JobInsertion } from "../delivery-queue/dialect.js";
import { SqlDeliveryQueue } from "../delivery-queue/queue.js";
import type { QueuedRow } from "../delivery-queue/rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { statement } from "../sql/statement.js";
import { all } from "../sql/transaction.js";
import { PgJobNotices } from "./job-notifications.js";
import { PgLeaseOwners } from "./owner-lock.js";

interface BatchValues {
  lanes: string[];
  kinds: string[];
  payloads: string[];
  runAts: number[];
  now: Date;
}

/*
 * Takes the lanes' locks, then inserts: the locks serialise the writers of one lane until they commit, so ids of
 * a lane are handed out in commit order (otherwise a claim could see job 11 of a lane committed while job 10 is
 * still in flight, and run it first). One statement, one round trip: the locks are an InitPlan, taken in lane
 * order before any row.
 */
const insertLocked = statement<BatchValues, QueuedRow>(
  "queue_insert_jobs_locked",
  ({ db }, p) =>
    ({
      compile: () =>
        sql<QueuedRow>`INSERT INTO "DeliveryJob" ("lane", "kind", "payload", "runAt", "createdAt", "updatedAt")
      SELECT l, k, p, r, ${p.now}, ${p.now}
      FROM unnest(${p.lanes}::text[], ${p.kinds}::text[], ${p.payloads}::text[], ${p.runAts}::bigint[])
        WITH ORDINALITY AS t(l, k, p, r, n)
      WHERE (SELECT COUNT(pg_advisory_xact_lock(hashtextextended(lane, 0)))
        FROM (SELECT DISTINCT lane FROM unnest(${p.lanes}::text[]) AS lane ORDER BY lane) AS locked) >= 0
      ORDER BY n RETURNING "id", "lane", "kind", "payload", "runAt", "createdAt"`.compile(db),
    }) as Compilable<QueuedRow>,
);

/** A transaction's jobs in one locked batch (see `insertLocked`). */
function insertLockedBatch(database: SqlDatabase): JobInsertion {
  const insert = database.prepare(insertLocked);
  return {
    *insert(jobs, now) {
      const rows = yield* all(insert, {
        lanes: jobs.map((job) => job.lane),
        kinds: jobs.map((job) => job.kind),
        payloads: jobs.map((job) => JSON.stringify(job.payload)),
        runAts: jobs.map((job) => job.runAt ?? 0),
        now,
      });
      return rows.sort((a, b) => Number(a.id) - Number(b.id));
    },
  };
}

export interface PgQueueOptions {
  /** This instance's name in job notices and on its owner lock (the worker's lease owner). */
  readonly instance: string;
  /**
   * Where the LISTEN connection and the owner lock go; null to hear only this instance's own jobs and judge no
   * owner (tests of one instance).
   */
  readonly databaseUrl: string | null;
  /** See PgLeaseOwners. */
  readonly deadAfterMs?: number;
  readonly onError?: (error: Error) => void;
}

/** The delivery queue on PostgreSQL, and the connections of its own it holds while the instance runs. */
export interface PgQueue {
  readonly queue: SqlDeliveryQueue;
  /**
   * Marks this instance alive (before its worker takes a lease) and starts hearing other instances' jobs;
   * resolves once nothing committed from now on can be missed.
   */
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function pgDeliveryQueue(database: SqlDatabase, options: PgQueueOptions): PgQueue {
  const onError = options.onError ?? (() => {});
  const { instance, databaseUrl } = options;
  const notices = new PgJobNotices(database, instance, databaseUrl, onError);
  const owners = databaseUrl
    ? new PgLeaseOwners(database, databaseUrl, instance, onError, options.deadAfterMs)
    : null;
  const queue = new SqlDeliveryQueue(database, {
    insertion: insertLockedBatch(database),
    notices,
    onError,
    ...(owners ? { owners } : {}),
  });
  return {
    queue,
    async listen() {
      await owners?.hold();
      await notices.start();
    },
    async close() {
      await notices.close();
      await owners?.close();
    },
  };
}
