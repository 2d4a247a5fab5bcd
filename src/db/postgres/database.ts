import { sql as raw } from "kysely";
import type pg from "pg";
import type { NewJob, QueuedJob } from "../../core/ports/queue.js";
import type { AppDatabase, DatabaseOptions } from "../database.js";
import { migrateDatabase } from "../migrate.js";
import { SqlPostPacing } from "../post-pacing.js";
import { toQueuedJob } from "../rows.js";
import { settingOrCreate } from "../settings.js";
import { statement } from "../sql/statement.js";
import { all } from "../sql/transaction.js";
import { SqlConversationStore } from "../store/conversation-store.js";
import type { Row } from "../store/shared.js";
import { prismaOverPool } from "./client.js";
import { PgDeliveryQueue } from "./delivery-queue.js";
import { PgHeldMessages } from "./held-messages.js";
import { PgHomeQueries } from "./home-queries.js";
import { inTransaction, openPool } from "./pool.js";
import { PgSearch } from "./search.js";
import { PgSql } from "./sql.js";
import { postgresStoreDialect } from "./store-steps.js";

/** A database shared by several instances: one pool per instance for the statements and Prisma Client. */
export function postgresDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  const pool = openPool(databaseUrl, options.onError);
  const prisma = prismaOverPool(pool);
  const queue = new PgDeliveryQueue(pool, {
    instance: options.instance,
    databaseUrl,
    onError: options.onError,
  });
  const sql = new PgSql(pool);
  return {
    store: postgresConversationStore(pool, sql, queue, options),
    queue,
    pacing: new SqlPostPacing(sql),
    async open(logger) {
      await migrateDatabase(databaseUrl, { logger });
      // The pool connects on first use; this makes an unreachable server fail the start, not the first request.
      await pool.query("SELECT 1");
      await queue.listen();
    },
    // Inserted and deleted in one transaction, under a key of this instance: the commit still writes WAL.
    probeWrite: () =>
      inTransaction(pool, async (client) => {
        const key = `health.writeProbe.${options.instance}`;
        await client.query(`INSERT INTO "Setting" ("key", "value") VALUES ($1, $2)`, [key, "x".repeat(512)]);
        await client.query(`DELETE FROM "Setting" WHERE "key" = $1`, [key]);
      }),
    settingOrCreate: (key, create) => settingOrCreate(prisma, key, create),
    async close() {
      await queue.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

type JobValues = { lanes: string[]; kinds: string[]; payloads: string[]; runAts: number[]; now: Date };

// Takes the lanes' locks, then inserts, as the queue does (see PgDeliveryQueue's insert).
const insertJobs = statement<JobValues, Row>("store_interim_insert_jobs_pg", ({ db }, p) => ({
  compile: () =>
    raw<Row>`INSERT INTO "DeliveryJob" ("lane", "kind", "payload", "runAt", "createdAt", "updatedAt")
      SELECT l, k, p, r, ${p.now}, ${p.now}
      FROM unnest(${p.lanes}::text[], ${p.kinds}::text[], ${p.payloads}::text[], ${p.runAts}::bigint[])
        WITH ORDINALITY AS t(l, k, p, r, n)
      WHERE (SELECT COUNT(pg_advisory_xact_lock(hashtextextended(lane, 0)))
        FROM (SELECT DISTINCT lane FROM unnest(${p.lanes}::text[]) AS lane ORDER BY lane) AS locked) >= 0
      ORDER BY n RETURNING "id", "lane", "kind", "payload", "runAt", "createdAt"`.compile(db),
}));

/** The conversation store of instance `options.instance` on the pool. */
export function postgresConversationStore(
  pool: pg.Pool,
  sql: PgSql,
  queue: PgDeliveryQueue,
  options: Pick<DatabaseOptions, "instance" | "lanesOf">,
): SqlConversationStore {
  const insert = sql.prepare(insertJobs);
  const jobs = {
    *insertJobs(newJobs: readonly NewJob[], now: Date) {
      if (newJobs.length === 0) return [];
      const rows = yield* all(insert, {
        lanes: newJobs.map((job) => job.lane),
        kinds: newJobs.map((job) => job.kind),
        payloads: newJobs.map((job) => JSON.stringify(job.payload)),
        runAts: newJobs.map((job) => job.runAt ?? 0),
        now,
      });
      return rows.map(toQueuedJob).sort((a, b) => a.id - b.id);
    },
    announce: (queued: readonly QueuedJob[]) => queue.announce(queued),
  };
  const queries = {
    home: new PgHomeQueries(pool),
    held: new PgHeldMessages(pool),
    search: new PgSearch(pool),
  };
  return new SqlConversationStore(
    sql,
    jobs,
    options.lanesOf,
    queries,
    postgresStoreDialect(options.instance),
  );
}
