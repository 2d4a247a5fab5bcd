import { PgSql } from "../../src/db/postgres/sql.js";
import { SqlSatisfaction } from "../../src/db/satisfaction.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { satisfactionContract } from "./satisfaction.contract.js";

const pgPools = pgPoolsPerTest("csat");

// Three pools on one database, as three instances have: the racing questions meet in PostgreSQL.
satisfactionContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(3);
  const [seeder] = pools as [(typeof pools)[number]];
  return {
    instances: pools.map((pool) => new SqlSatisfaction(new PgSql(pool))),
    exec: async (text) => {
      await seeder.query(text);
    },
    close,
  };
});
