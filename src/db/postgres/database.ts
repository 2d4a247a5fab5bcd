import type { AppDatabase, DatabaseOptions } from "../database.js";
import { migrateDatabase } from "../migrate.js";
import { portsOnSql } from "../ports-on-sql.js";
import { SqlSettings } from "../queries/settings.js";
import { SqlConversationStore } from "../store/conversation-store.js";
import { inTransaction, openPool } from "./pool.js";
import { pgDeliveryQueue } from "./queue-dialect.js";
import { PgSql } from "./sql.js";
import { postgresStoreDialect } from "./store-steps.js";

/** A database shared by several instances: one pool per instance for the statements. */
export function postgresDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  const pool = openPool(databaseUrl, options.onError);
  const sql = new PgSql(pool);
  const jobs = pgDeliveryQueue(sql, { instance: options.instance, databaseUrl, onError: options.onError });
  const queue = jobs.queue;
  const settings = new SqlSettings(sql);
  return {
    store: new SqlConversationStore(sql, queue, options.lanesOf, postgresStoreDialect),
    queue,
    ...portsOnSql(sql, queue),
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
    settingOrCreate: (key, create) => settings.valueOrCreate(key, create),
    async close() {
      await jobs.close();
      await pool.end();
    },
  };
}
