import { SqlConversationHistory } from "../../src/db/conversation-history.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { conversationHistoryContract } from "./conversation-history.contract.js";

const pgPools = pgPoolsPerTest("history");

conversationHistoryContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(1);
  const pool = pools[0];
  if (!pool) throw new Error("no pool");
  return {
    history: new SqlConversationHistory(new PgSql(pool)),
    insert: async (text, values) => {
      let index = 0;
      const result = await pool.query(
        text.replace(/\?/g, () => `$${++index}`),
        [...values],
      );
      return (result.rows[0] as { id: number }).id;
    },
    close,
  };
});
