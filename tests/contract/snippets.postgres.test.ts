import { PgSql } from "../../src/db/postgres/sql.js";
import { SqlSnippetStore } from "../../src/db/snippets.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { snippetsContract } from "./snippets.contract.js";

const pgPools = pgPoolsPerTest("snippets");

snippetsContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(1);
  return { snippets: new SqlSnippetStore(new PgSql(pools[0] as (typeof pools)[number])), close };
});
