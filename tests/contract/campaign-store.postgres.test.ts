import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { campaignStoreContract } from "./campaign-store.contract.js";

const pgPools = pgPoolsPerTest("campaigns");

campaignStoreContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(1);
  return { database: new PgSql(pools[0] as NonNullable<(typeof pools)[0]>), close };
});
