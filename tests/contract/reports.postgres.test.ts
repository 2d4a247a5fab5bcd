import { PgSql } from "../../src/db/postgres/sql.js";
import { SqlReports } from "../../src/db/reports.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { reportsContract } from "./reports.contract.js";

const pgPools = pgPoolsPerTest("reports");

reportsContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(1);
  const [pool] = pools as [(typeof pools)[number]];
  return {
    reports: new SqlReports(new PgSql(pool)),
    exec: async (text) => {
      await pool.query(text);
    },
    close,
  };
});
