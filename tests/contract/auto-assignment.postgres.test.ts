import { SqlAutoAssignments } from "../../src/db/auto-assignment.js";
import { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { autoAssignmentsContract } from "./auto-assignment.contract.js";

const pgPools = pgPoolsPerTest("autoassign");

// Three pools on one database, as three instances have: the racing assignments meet in PostgreSQL.
autoAssignmentsContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(3);
  const [seeder] = pools as [(typeof pools)[number]];
  const queues = pools.map((pool) => new SqlDeliveryQueue(new PgSql(pool)));
  return {
    instances: pools.map(
      (pool, index) => new SqlAutoAssignments(new PgSql(pool), queues[index] as SqlDeliveryQueue),
    ),
    queue: queues[0] as SqlDeliveryQueue,
    exec: async (text) => {
      await seeder.query(text);
    },
    close,
  };
});
