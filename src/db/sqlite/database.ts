import { prismaOver } from "../client.js";
import { migrateDatabase, sqliteFilePath } from "../migrate.js";
import type { AppDatabase } from "../open.js";
import { SqlPostPacing } from "../post-pacing.js";
import { settingOrCreate } from "../settings.js";
import { SqliteConnection } from "./connection.js";
import { SqliteConversationStore } from "./conversation-store.js";
import { SqliteDeliveryQueue } from "./delivery-queue.js";
import { SqliteSql } from "./sql.js";

/** The embedded database: one connection shared by the hot path's statements and Prisma Client. */
export function sqliteDatabase(
  databaseUrl: string,
  lanesOf: (conversationId: number) => readonly string[],
): AppDatabase {
  const connection = new SqliteConnection(sqliteFilePath(databaseUrl));
  const prisma = prismaOver(connection);
  const queue = new SqliteDeliveryQueue(connection);
  return {
    store: new SqliteConversationStore(connection, queue, prisma, lanesOf),
    queue,
    pacing: new SqlPostPacing(new SqliteSql(connection)),
    async open(logger) {
      await migrateDatabase(databaseUrl, { logger });
      connection.open();
    },
    settingOrCreate: (key, create) => settingOrCreate(prisma, key, create),
    async close() {
      await prisma.$disconnect();
      connection.close();
    },
  };
}
