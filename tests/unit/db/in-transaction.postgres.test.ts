import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inTransaction, openPool } from "../../../src/db/postgres/pool.js";
import { type PostgresCluster, startPostgres } from "../../support/postgres.js";

let cluster: PostgresCluster;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

it("a connection the server ends between two queries fails its transaction, not the process", async () => {
  const url = await cluster.createDatabase("in_transaction");
  const poolErrors: Error[] = [];
  const pool = openPool(url, (error) => poolErrors.push(error), 2);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const transaction = inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
      const ended = new Promise((resolve) => client.once("end", resolve));
      await admin.query("select pg_terminate_backend($1)", [rows[0]?.pid]);
      // The server's notice arrives while no query runs (as between two statements of a transaction).
      await ended;
      await client.query("select 1");
    });
    await expect(transaction).rejects.toThrow();
    // The pool dropped the broken connection: the next transaction gets a working one.
    await expect(
      inTransaction(pool, async (client) => (await client.query("select 1 as one")).rows),
    ).resolves.toEqual([{ one: 1 }]);
    expect(poolErrors).toEqual([]);
  } finally {
    await admin.end();
    await pool.end();
  }
});
