import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlAutoAssignments } from "../../src/db/auto-assignment.js";
import { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { autoAssignmentsContract } from "./auto-assignment.contract.js";

// Three connections on one file, as three processes sharing it would have.
autoAssignmentsContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-autoassign-"));
  const file = path.join(dir, "autoassign.db");
  await migratedSqliteFile(file);
  const connections = [0, 1, 2].map(() => new SqliteConnection(file));
  for (const connection of connections) connection.open();
  const [seeder] = connections as [SqliteConnection];
  const queues = connections.map((connection) => new SqlDeliveryQueue(new SqliteSql(connection)));
  return {
    instances: connections.map(
      (connection, index) =>
        new SqlAutoAssignments(new SqliteSql(connection), queues[index] as SqlDeliveryQueue),
    ),
    queue: queues[0] as SqlDeliveryQueue,
    exec: async (text) => {
      seeder.db.exec(text);
    },
    async close() {
      for (const connection of connections) connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
