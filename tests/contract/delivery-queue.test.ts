import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MemoryDeliveryQueue } from "../../src/db/memory/delivery-queue.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteDeliveryQueue } from "../../src/db/sqlite/delivery-queue.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { deliveryQueueContract } from "./delivery-queue.contract.js";

deliveryQueueContract("in memory", async () => ({ queue: new MemoryDeliveryQueue(), close: async () => {} }));

deliveryQueueContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-queue-"));
  const file = path.join(dir, "queue.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  return {
    queue: new SqliteDeliveryQueue(connection),
    async close() {
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
