import pg from "pg";
import { PostgresUnreachable, postgresWhere, problemOf } from "./connect-problem.js";

/** A row of `_prisma_migrations`, as far as telling whether the folder is applied needs. */
export interface MigrationRecord {
  readonly migration_name: string;
  readonly checksum: string;
  readonly finished_at: unknown;
  readonly rolled_back_at: unknown;
}

/**
 * The advisory lock key of Threadline's migrations: any fixed number, the same in every instance. Chosen so it
 * is unlikely to collide with another application's lock on a shared server ("TLMIGR" as bytes).
 */
export const migrationLockKey = 0x544c_4d49_4752n;

/**
 * Runs `work` while holding a session-level advisory lock on a connection of its own (handed to `work` for
 * reads): instances starting at once take turns, so one applies the migrations and the others then find none
 * pending. The lock goes with the connection, so an instance that dies while migrating frees it.
 */
export async function withMigrationLock<T>(
  databaseUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "threadline-migrate" });
  // An error on an idle client would otherwise be thrown as an unhandled 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new PostgresUnreachable(postgresWhere(databaseUrl), problemOf(error), error);
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
    try {
      return await work(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
    }
  } finally {
    await client.end();
  }
}

/** The rows of `_prisma_migrations`, or null before the first migration created it. */
export async function appliedMigrations(client: pg.ClientBase): Promise<MigrationRecord[] | null> {
  const table = await client.query("SELECT to_regclass('public._prisma_migrations') AS name");
  if (table.rows[0]?.name === null) return null;
  const { rows } = await client.query<MigrationRecord>(
    "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations",
  );
  return rows;
}
