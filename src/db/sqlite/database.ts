import type Database from "better-sqlite3";
import type { AppDatabase, DatabaseOptions } from "../database.js";
import { SqlDeliveryQueue } from "../delivery-queue/queue.js";
import { migrateDatabase, sqliteFilePath } from "../migrate.js";
import { portsOnSql } from "../ports-on-sql.js";
import { SqlSettings } from "../queries/settings.js";
import { SqlConversationStore } from "../store/conversation-store.js";
import { SqliteConnection } from "./connection.js";
import { SqliteOwnerLocks } from "./owner-locks.js";
import { SqliteSql } from "./sql.js";

/** The embedded database: one connection for every statement, writes in its group commit. */
export function sqliteDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  const file = sqliteFilePath(databaseUrl);
  const connection = new SqliteConnection(file);
  const owners = file === ":memory:" ? null : new SqliteOwnerLocks(file);
  const sql = new SqliteSql(connection);
  const queue = new SqlDeliveryQueue(sql, { ...(owners ? { owners } : {}), onError: options.onError });
  const settings = new SqlSettings(sql);
  return {
    store: new SqlConversationStore(sql, queue, options.lanesOf),
    queue,
    ...portsOnSql(sql, queue),
    async open(logger) {
      await migrateDatabase(databaseUrl, { logger });
      connection.open();
      // Before the worker takes any lease: a lease's owner must be seen alive from its first claim.
      owners?.hold(options.instance);
    },
    probeWrite: () => connection.write(() => probeWrite(connection.db)),
    settingOrCreate: (key, create) => settings.valueOrCreate(key, create),
    async close() {
      connection.close();
      owners?.release();
    },
  };
}

/**
 * A row about the size of a message, inserted and deleted in one transaction: the commit still writes the
 * pages it touched, so it needs the space a webhook's commit needs.
 */
function probeWrite(db: Database.Database): void {
  db.prepare(`INSERT INTO "Setting" ("key", "value") VALUES (?, ?)`).run(probeKey, probeValue);
  db.prepare(`DELETE FROM "Setting" WHERE "key" = ?`).run(probeKey);
}

const probeKey = "health.writeProbe";
const probeValue = "x".repeat(512);
