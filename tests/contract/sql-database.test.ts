import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase } from "../../src/db/migrate.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { sqlDatabaseContract } from "./sql-database.contract.js";

// Two connections on one file, as two processes sharing it would have.
sqlDatabaseContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-sql-"));
  const file = path.join(dir, "sql.db");
  await migrateDatabase(`file:${file}`);
  const connections = [0, 1].map(() => new SqliteConnection(file));
  for (const connection of connections) connection.open();
  return {
    instances: connections.map((connection) => new SqliteSql(connection)),
    async close() {
      for (const connection of connections) connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
