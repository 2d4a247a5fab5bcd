import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { SqlScheduledMessages } from "../../src/db/scheduled-messages.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { scheduledMessagesContract } from "./scheduled-messages.contract.js";

// Two connections on one file, as two processes sharing it would have.
scheduledMessagesContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-scheduled-"));
  const file = path.join(dir, "scheduled.db");
  await migratedSqliteFile(file);
  const connections = [0, 1].map(() => new SqliteConnection(file));
  for (const connection of connections) connection.open();
  const queues = connections.map((connection) => new SqlDeliveryQueue(new SqliteSql(connection)));
  return {
    instances: connections.map(
      (connection, index) =>
        new SqlScheduledMessages(new SqliteSql(connection), queues[index] as SqlDeliveryQueue),
    ),
    queue: queues[0] as SqlDeliveryQueue,
    async close() {
      for (const connection of connections) connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
