import type pg from "pg";
import type { AppDatabase, DatabaseOptions } from "../database.js";
import type { SqlDeliveryQueue } from "../delivery-queue/queue.js";
import { migrateDatabase } from "../migrate.js";
import { SqlPostPacing } from "../post-pacing.js";
import { settingOrCreate } from "../settings.js";
import { SqlConversationStore } from "../store/conversation-store.js";
import { prismaOverPool } from "./client.js";
import { PgHeldMessages } from "./held-messages.js";
import { PgHomeQueries } from "./home-queries.js";
import { inTransaction, openPool } from "./pool.js";
import { pgDeliveryQueue } from "./queue-dialect.js";
import { PgSearch } from "./search.js";
import { PgSql } from "./sql.js";
import { postgresStoreDialect } from "./store-steps.js";

/** A database shared by several instances: one pool per instance for the statements and Prisma Client. */
export function postgresDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  const pool = openPool(databaseUrl, options.onError);
  const prisma = prismaOverPool(pool);
  const sql = new PgSql(pool);
  const jobs = pgDeliveryQueue(sql, { instance: options.instance, databaseUrl, onError: options.onError });
  const queue = jobs.queue;
  return {
    store: postgresConversationStore(pool, sql, queue, options.lanesOf),
    queue,
    pacing: new SqlPostPacing(sql),
    async open(logger) {
      await migrateDatabase(databaseUrl, { logger });
      // The pool connects on first use; this makes an unreachable server fail the start, not the first request.
      await pool.query("SELECT 1");
      await jobs.listen();
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
      await jobs.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** The conversation store on the pool. */
export function postgresConversationStore(
  pool: pg.Pool,
  sql: PgSql,
  queue: SqlDeliveryQueue,
  lanesOf: (conversationId: number) => readonly string[],
): SqlConversationStore {
  const queries = {
    home: new PgHomeQueries(pool),
    held: new PgHeldMessages(pool),
    search: new PgSearch(pool),
  };
  return new SqlConversationStore(sql, queue, lanesOf, queries, postgresStoreDialect);
}
