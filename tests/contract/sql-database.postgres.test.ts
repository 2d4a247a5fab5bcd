import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { sqlDatabaseContract } from "./sql-database.contract.js";

const pgPools = pgPoolsPerTest("sql");

// Two pools on one database, as two instances have: racing transactions meet in PostgreSQL.
sqlDatabaseContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(2);
  return { instances: pools.map((pool) => new PgSql(pool)), close };
});
