import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlSatisfaction } from "../../src/db/satisfaction.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { satisfactionContract } from "./satisfaction.contract.js";

// Three connections on one file, as three processes sharing it would have.
satisfactionContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-csat-"));
  const file = path.join(dir, "csat.db");
  await migratedSqliteFile(file);
  const connections = [0, 1, 2].map(() => new SqliteConnection(file));
  for (const connection of connections) connection.open();
  const [seeder] = connections as [SqliteConnection];
  return {
    instances: connections.map((connection) => new SqlSatisfaction(new SqliteSql(connection))),
    exec: async (text) => {
      seeder.db.exec(text);
    },
    async close() {
      for (const connection of connections) connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
