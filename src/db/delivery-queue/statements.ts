import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { DB } from "../generated-kysely/types.js";
import { statement } from "../sql/statement.js";
import { type JobRow, type QueuedRow, queuedColumns } from "./rows.js";

/* The delivery queue's statements, written once for both databases (decision 0024). */

/** No earlier job of `alias`'s lane is still to do (pending, or parked and holding the lane). */
const laneHead = (db: Kysely<DB>, alias: string) =>
  sql<boolean>`NOT EXISTS ${db
    .selectFrom("DeliveryJob as e")
    .select(sql.lit(1).as("one"))
    .where(sql<boolean>`e."lane" = ${sql.ref(`${alias}.lane`)}`)
    .where("e.state", "in", [sql.lit("pending"), sql.lit("parked")])
    .where(sql<boolean>`e."id" < ${sql.ref(`${alias}.id`)}`)}`;

/** The id of the lane's next pending job after the row a settling statement changed (null: none). */
const nextInLane = (eb: ExpressionBuilder<DB, "DeliveryJob">) =>
  eb
    .selectFrom("DeliveryJob as n")
    .select("n.id")
    .whereRef("n.lane", "=", "DeliveryJob.lane")
    .where("n.state", "=", sql.lit("pending"))
    .whereRef("n.id", ">", "DeliveryJob.id")
    .orderBy("n.id")
    .limit(sql.lit(1))
    .as("next");

/** What a settling statement returns: the job, and its lane's next pending job if any. */
export interface SettledRow {
  readonly id: number;
  readonly next: number | null;
}

export interface InsertJobValues {
  lane: string;
  kind: string;
  payload: string;
  runAt: number;
  now: Date;
}

/** One job; SQLite inserts a transaction's jobs one by one, in process. */
export const insertJob = statement<InsertJobValues, QueuedRow>("queue_insert_job", ({ db }, p) =>
  db
    .insertInto("DeliveryJob")
    .values({
      lane: p.lane,
      kind: p.kind,
      payload: p.payload,
      runAt: p.runAt,
      createdAt: p.now,
      updatedAt: p.now,
    })
    .returning(queuedColumns),
);

export const pendingJob = statement<{ id: number }, QueuedRow>("queue_pending_job", ({ db }, p) =>
  db
    .selectFrom("DeliveryJob")
    .select(queuedColumns)
    .where("id", "=", p.id)
    .where("state", "=", sql.lit("pending")),
);

/**
 * Lane heads: walks pending jobs in id order on the (state, id) index and stops at LIMIT; the `+` keeps SQLite
 * off the (state, runAt) index, which would test and sort every pending job.
 */
export const unclaimed = statement<{ now: number; limit: number }, QueuedRow>(
  "queue_unclaimed",
  ({ db }, p) =>
    db
      .selectFrom("DeliveryJob as j")
      .select(queuedColumns.map((column) => `j.${column}` as const))
      .where("j.state", "=", sql.lit("pending"))
      .where((eb) => eb.or([eb("j.leaseOwner", "is", null), sql<boolean>`+j."leaseUntil" < ${p.now}`]))
      .where(laneHead(db, "j"))
      .orderBy("j.id")
      .limit(p.limit),
);

export interface ClaimValues {
  id: number;
  owner: string;
  now: number;
  leaseUntil: number;
  at: Date;
}

/**
 * Leases job `id` if it is pending, due, its lane's head and nobody else's live lease. The subquery locks the row
 * on PostgreSQL, skipping it when another claimer holds it, so that claimer wins and this one gives up at once.
 */
export const claim = statement<ClaimValues, JobRow>("queue_claim", ({ db, lockedOrSkipped }, p) =>
  db
    .updateTable("DeliveryJob")
    .set((eb) => ({
      leaseOwner: p.owner,
      leaseUntil: p.leaseUntil,
      attempts: sql`${eb.ref("DeliveryJob.attempts")} + 1`,
      uncertain: sql`(${eb.ref("DeliveryJob.uncertain")} OR ${eb.ref("DeliveryJob.leaseOwner")} IS NOT NULL)`,
      updatedAt: p.at,
    }))
    .where("DeliveryJob.id", "=", (eb) =>
      lockedOrSkipped(
        eb
          .selectFrom("DeliveryJob as j")
          .select("j.id")
          .where("j.id", "=", p.id)
          .where("j.state", "=", sql.lit("pending"))
          .where("j.runAt", "<=", p.now)
          .where((eb) =>
            eb.or([
              eb("j.leaseOwner", "is", null),
              eb("j.leaseOwner", "=", p.owner),
              eb("j.leaseUntil", "<", p.now),
            ]),
          )
          .where(laneHead(db, "j")),
      ),
    )
    .returningAll(),
);

export const renew = statement<{ id: number; owner: string; leaseUntil: number }, never>(
  "queue_renew",
  ({ db }, p) =>
    db
      .updateTable("DeliveryJob")
      .set({ leaseUntil: p.leaseUntil })
      .where("id", "=", p.id)
      .where("leaseOwner", "=", p.owner),
);

export const complete = statement<{ id: number; owner: string }, SettledRow>("queue_complete", ({ db }, p) =>
  db
    .deleteFrom("DeliveryJob")
    .where("id", "=", p.id)
    .where("leaseOwner", "=", p.owner)
    .returning((eb) => ["DeliveryJob.id", nextInLane(eb)]),
);

export interface RetryValues {
  id: number;
  owner: string;
  runAt: number;
  error: string;
  uncertain: boolean;
  at: Date;
}

/** Once uncertain, a job stays so: a later attempt that clearly did nothing says nothing of an earlier one. */
export const retry = statement<RetryValues, never>("queue_retry", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set((eb) => ({
      leaseOwner: null,
      leaseUntil: sql.lit(0),
      runAt: p.runAt,
      lastError: p.error,
      uncertain: sql`(${eb.ref("DeliveryJob.uncertain")} OR ${p.uncertain})`,
      updatedAt: p.at,
    }))
    .where("id", "=", p.id)
    .where("leaseOwner", "=", p.owner),
);

/** The attempt did not start: the lease goes back and the attempt is not counted. */
export const release = statement<{ id: number; owner: string }, never>("queue_release", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set((eb) => ({
      leaseOwner: null,
      leaseUntil: sql.lit(0),
      attempts: sql`${eb.ref("DeliveryJob.attempts")} - 1`,
    }))
    .where("id", "=", p.id)
    .where("leaseOwner", "=", p.owner),
);

export interface SettleValues {
  id: number;
  owner: string;
  state: "failed" | "parked";
  error: string;
  at: Date;
}

export const settle = statement<SettleValues, SettledRow>("queue_settle", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set({ leaseOwner: null, leaseUntil: sql.lit(0), state: p.state, lastError: p.error, updatedAt: p.at })
    .where("id", "=", p.id)
    .where("leaseOwner", "=", p.owner)
    .returning((eb) => ["DeliveryJob.id", nextInLane(eb)]),
);

export const unpark = statement<{ id: number }, QueuedRow>("queue_unpark", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set({ state: sql.lit("pending") })
    .where("id", "=", p.id)
    .where("state", "=", sql.lit("parked"))
    .returning(queuedColumns),
);

/** A held lane runs again: its parked jobs are pending, due now. */
export const unparkLane = statement<{ lane: string }, { id: number }>("queue_unpark_lane", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set({ state: sql.lit("pending"), runAt: sql.lit(0) })
    .where("state", "=", sql.lit("parked"))
    .where("lane", "=", p.lane)
    .returning("id"),
);

export const laneJobs = statement<{ lane: string }, QueuedRow>("queue_lane_jobs", ({ db }, p) =>
  db
    .selectFrom("DeliveryJob")
    .select(queuedColumns)
    .where("lane", "=", p.lane)
    .where("state", "=", sql.lit("pending"))
    .orderBy("id"),
);

/** The leases of an owner whose process has ended run out now. */
export const expire = statement<{ owner: string }, { id: number }>("queue_expire", ({ db }, p) =>
  db
    .updateTable("DeliveryJob")
    .set({ leaseUntil: sql.lit(0) })
    .where("state", "=", sql.lit("pending"))
    .where("leaseOwner", "=", p.owner)
    .where("leaseUntil", ">", sql.lit(0))
    .returning("id"),
);

export const depth = statement<Record<string, never>, { state: string; count: number | string }>(
  "queue_depth",
  ({ db }) =>
    db
      .selectFrom("DeliveryJob")
      .select((eb) => ["state", eb.fn.countAll<number | string>().as("count")])
      .groupBy("state"),
);

/** A job never tried whose time has not come is scheduled (a reminder), not waiting. */
export const oldest = statement<{ now: number }, { createdAt: Date | string }>("queue_oldest", ({ db }, p) =>
  db
    .selectFrom("DeliveryJob")
    .select("createdAt")
    .where("state", "in", [sql.lit("pending"), sql.lit("parked")])
    .where((eb) => eb.not(eb.and([eb("attempts", "=", sql.lit(0)), eb("runAt", ">", p.now)])))
    .orderBy("id")
    .limit(sql.lit(1)),
);
