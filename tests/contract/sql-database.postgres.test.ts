import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { PgSql } from "../../src/db/postgres/sql.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { sqlDatabaseContract } from "./sql-database.contract.js";

let cluster: PostgresCluster;
let databases = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

// Two pools on one database, as two instances have: racing transactions meet in PostgreSQL.
sqlDatabaseContract("PostgreSQL", async () => {
  const url = await cluster.migratedDatabase(`sql_${++databases}`);
  const pools = [0, 1].map(() => new pg.Pool({ connectionString: url, max: 8 }));
  return {
    instances: pools.map((pool) => new PgSql(pool)),
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
});
