import { PrismaClient } from "./generated/client.js";
import { sqliteFilePath } from "./migrate.js";
import { SqliteConnection } from "./sqlite/connection.js";
import { sqliteAdapterFactory } from "./sqlite/prisma-adapter.js";

// The only way into the generated client: the rest of the app imports Prisma's types from here.
export type { Contact, Conversation, DeliveryJob, Inbox, Message, Setting } from "./generated/client.js";
export { Prisma, PrismaClient } from "./generated/client.js";

/** Prisma Client over the app's connection (see SqliteConnection for why there is only one). */
export function prismaOver(connection: SqliteConnection): PrismaClient {
  return new PrismaClient({ adapter: sqliteAdapterFactory(connection) });
}

/**
 * A connection and Prisma Client on the SQLite file at `databaseUrl` (`file:<path>`, relative to the cwd),
 * opened now, so a database that cannot be opened (no folder, no permission) fails at start-up rather than on
 * the first request. Run `migrateDatabase` first.
 */
export function openDatabase(databaseUrl: string): { connection: SqliteConnection; prisma: PrismaClient } {
  const connection = new SqliteConnection(sqliteFilePath(databaseUrl));
  connection.open();
  return { connection, prisma: prismaOver(connection) };
}
