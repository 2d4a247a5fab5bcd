import { PrismaClient } from "./generated/client.js";
import { sqliteFilePath } from "./migrate.js";
import { SqliteConnection } from "./sqlite/connection.js";
import { sqliteAdapterFactory } from "./sqlite/prisma-adapter.js";

// Prisma Client over the app's SQLite connection, for the cold paths of the store written before the shared
// statements (src/db/sql). Goes, with sqlite/prisma-adapter.ts, once no store takes a Prisma Client; tests
// that read or seed rows open their own (tests/support/prisma.ts). See docs/decisions/0027-lean-process.md.
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
