import { SqlAutoAssignments } from "../../src/db/auto-assignment.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { autoAssignmentsContract } from "./auto-assignment.contract.js";

const pgPools = pgPoolsPerTest("autoassign");

// Three pools on one database, as three instances have: the racing assignments meet in PostgreSQL.
autoAssignmentsContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(3);
  const [seeder] = pools as [(typeof pools)[number]];
  return {
    instances: pools.map((pool) => new SqlAutoAssignments(new PgSql(pool))),
    exec: async (text) => {
      await seeder.query(text);
    },
    close,
  };
});
