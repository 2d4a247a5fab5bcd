import { SqlAutoAssignments } from "../auto-assignment.js";
import type { AppDatabase, DatabaseOptions } from "../database.js";
import { migrateDatabase } from "../migrate.js";
import { SqlPostPacing } from "../post-pacing.js";
import { SqlReports } from "../reports.js";
import { SqlSatisfaction } from "../satisfaction.js";
import { settingOrCreate } from "../settings.js";
import { prismaOverPool } from "./client.js";
import { PgConversationStore } from "./conversation-store.js";
import { PgDeliveryQueue } from "./delivery-queue.js";
import { inTransaction, openPool } from "./pool.js";
import { PgSql } from "./sql.js";

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
    store: new PgConversationStore(pool, queue, prisma, options.lanesOf),
    queue,
    pacing: new SqlPostPacing(sql),
    autoAssignments: new SqlAutoAssignments(sql),
    satisfaction: new SqlSatisfaction(sql),
    reports: new SqlReports(sql),
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
