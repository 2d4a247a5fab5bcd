import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../src/db/generated/client.js";
import { PrismaClient as PgPrismaClient } from "../../src/db/generated-pg/client.js";

export type { PrismaClient };

/**
 * Prisma Client for a test to seed or read the rows of a SQLite file the app (or a store) uses, on a
 * connection of its own: the app has no Prisma Client to lend (docs/decisions/0030-lean-process.md). WAL lets
 * it read while the app writes; its writes wait up to 5 s for the app's. `database` is the file's path or its
 * `file:` URL. Disconnect it when done, or use `withTestPrisma`.
 */
export function testPrisma(database: string): PrismaClient {
  const url = database.startsWith("file:") ? database : `file:${database}`;
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url, timeout: 5_000 }) });
}

/** `work` with a `testPrisma` client that is disconnected afterwards. */
export async function withTestPrisma<T>(
  database: string,
  work: (prisma: PrismaClient) => Promise<T>,
): Promise<T> {
  const prisma = testPrisma(database);
  try {
    return await work(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

/** Prisma Client for a test on the PostgreSQL database at `url`, on a small pool of its own. */
export function testPrismaPostgres(url: string): PrismaClient {
  // Both generated clients have one API (one schema); the SQLite one's type is the one tests name.
  return new PgPrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 2 }),
  }) as unknown as PrismaClient;
}
