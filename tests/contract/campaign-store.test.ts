import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { campaignStoreContract } from "./campaign-store.contract.js";

campaignStoreContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-campaigns-"));
  const file = path.join(dir, "campaigns.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  return {
    database: new SqliteSql(connection),
    async close() {
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
