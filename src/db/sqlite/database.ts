import type Database from "better-sqlite3";
import { SqlAutoAssignments } from "../auto-assignment.js";
import { prismaOver } from "../client.js";
import type { AppDatabase, DatabaseOptions } from "../database.js";
import { migrateDatabase, sqliteFilePath } from "../migrate.js";
import { SqlPostPacing } from "../post-pacing.js";
import { SqlReports } from "../reports.js";
import { SqlSatisfaction } from "../satisfaction.js";
import { settingOrCreate } from "../settings.js";
import { SqliteConnection } from "./connection.js";
import { SqliteConversationStore } from "./conversation-store.js";
import { SqliteDeliveryQueue } from "./delivery-queue.js";
import { SqliteOwnerLocks } from "./owner-locks.js";
import { SqliteSql } from "./sql.js";

/** The embedded database: one connection shared by the hot path's statements and Prisma Client. */
export function sqliteDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  const file = sqliteFilePath(databaseUrl);
  const connection = new SqliteConnection(file);
  const prisma = prismaOver(connection);
  const owners = file === ":memory:" ? null : new SqliteOwnerLocks(file);
  const queue = new SqliteDeliveryQueue(connection, owners);
  const sql = new SqliteSql(connection);
  return {
    store: new SqliteConversationStore(connection, queue, prisma, options.lanesOf),
    queue,
    pacing: new SqlPostPacing(sql),
    autoAssignments: new SqlAutoAssignments(sql),
    satisfaction: new SqlSatisfaction(sql),
    reports: new SqlReports(sql),
    async open(logger) {
      await migrateDatabase(databaseUrl, { logger });
      connection.open();
      // Before the worker takes any lease: a lease's owner must be seen alive from its first claim.
      owners?.hold(options.instance);
    },
    probeWrite: () => connection.write(() => probeWrite(connection.db)),
    settingOrCreate: (key, create) => settingOrCreate(prisma, key, create),
    async close() {
      await prisma.$disconnect();
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
