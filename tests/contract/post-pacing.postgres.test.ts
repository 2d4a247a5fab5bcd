import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { SqlPostPacing } from "../../src/db/post-pacing.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { postPacingContract } from "./post-pacing.contract.js";

let cluster: PostgresCluster;
let databases = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

// Three pools on one database, as three instances have: the racing reservations meet in PostgreSQL.
postPacingContract("PostgreSQL", async () => {
  const url = await cluster.migratedDatabase(`pacing_${++databases}`);
  const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 8 }));
  return {
    instances: pools.map((pool) => new SqlPostPacing(new PgSql(pool))),
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
});
