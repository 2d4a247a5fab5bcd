import { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { SqlScheduledMessages } from "../../src/db/scheduled-messages.js";
import { pgPoolsPerTest } from "../support/postgres-per-test.js";
import { scheduledMessagesContract } from "./scheduled-messages.contract.js";

const pgPools = pgPoolsPerTest("scheduled");

// Two pools on one database, as two instances have: a racing send and cancel meet in PostgreSQL.
scheduledMessagesContract("PostgreSQL", async () => {
  const { pools, close } = await pgPools(2);
  const queues = pools.map((pool) => new SqlDeliveryQueue(new PgSql(pool)));
  return {
    instances: pools.map(
      (pool, index) => new SqlScheduledMessages(new PgSql(pool), queues[index] as SqlDeliveryQueue),
    ),
    queue: queues[0] as SqlDeliveryQueue,
    close,
  };
});
