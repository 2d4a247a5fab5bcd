import { SqlPostPacing } from "../../src/db/post-pacing.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { postPacingContract } from "./post-pacing.contract.js";

const pgPools = pgPoolsPerTest("pacing");

// Three pools on one database, as three instances have: the racing reservations meet in PostgreSQL.
postPacingContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(3);
  return { instances: pools.map((pool) => new SqlPostPacing(new PgSql(pool))), close };
});
