import { SqlCustomerView } from "../../src/db/customer-view.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { customerViewContract } from "./customer-view.contract.js";

const pgPools = pgPoolsPerTest("history");

customerViewContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(1);
  const pool = pools[0];
  if (!pool) throw new Error("no pool");
  return {
    view: new SqlCustomerView(new PgSql(pool)),
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
