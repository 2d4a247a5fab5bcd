import pg from "pg";

/**
 * The advisory lock key of Threadline's migrations: any fixed number, the same in every instance. Chosen so it
 * is unlikely to collide with another application's lock on a shared server ("TL" "MI" "GR" as bytes).
 */
export const migrationLockKey = 0x544c_4d49_4752n;

/**
 * Runs `work` while holding a session-level advisory lock on a connection of its own: instances starting at
 * once take turns, so one applies the migrations and the others then find none pending. The lock goes with
 * the connection, so an instance that dies while migrating frees it. The schema engine takes a lock of its own
 * too, but gives up after 10 s: an instance starting during a long migration would fail instead of waiting.
 */
export async function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "threadline-migrate" });
  // An error on an idle client would otherwise be thrown as an unhandled 'error' event.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
    }
  } finally {
    await client.end();
  }
}
