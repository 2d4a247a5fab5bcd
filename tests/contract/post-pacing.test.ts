import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MemoryPostPacing } from "../../src/db/memory/post-pacing.js";
import { SqlPostPacing } from "../../src/db/post-pacing.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { postPacingContract } from "./post-pacing.contract.js";

postPacingContract("in memory", async () => {
  const pacing = new MemoryPostPacing();
  return { instances: [pacing, pacing, pacing], close: async () => {} };
});

// Three connections on one file, as three processes sharing it would have.
postPacingContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-pacing-"));
  const file = path.join(dir, "pacing.db");
  await migratedSqliteFile(file);
  const connections = [0, 1, 2].map(() => new SqliteConnection(file));
  for (const connection of connections) connection.open();
  return {
    instances: connections.map((connection) => new SqlPostPacing(new SqliteSql(connection))),
    async close() {
      for (const connection of connections) connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
