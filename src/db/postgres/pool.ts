import pg from "pg";

/**
 * A named statement: pg prepares it once per connection on first use and reuses the plan after that, which is
 * what a prepared better-sqlite3 statement is on SQLite.
 */
export function prepared(name: string, text: string): (values?: unknown[]) => pg.QueryConfig {
  return (values = []) => ({ name, text, values });
}

/** A pool on `databaseUrl`; errors of idle clients (a restarted server) are passed on instead of thrown. */
export function openPool(databaseUrl: string, onError: (error: Error) => void, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: "threadline" });
  pool.on("error", onError);
  return pool;
}

/**
 * Runs `work` in a transaction on a connection of its own and commits; rolls back when it throws. `work` should
 * only run queries: nothing else may wait while the transaction holds its row locks.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection that cannot even roll back is broken: the pool drops it instead of lending it again.
  let broken: Error | undefined;
  // While lent out, a client's own errors (the server ending the connection between two queries) are no longer
  // the pool's: unheard, they would be thrown from the socket and end the process. The next query then fails.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}
