import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlReports } from "../../src/db/reports.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { reportsContract } from "./reports.contract.js";

reportsContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-reports-"));
  const file = path.join(dir, "reports.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  return {
    reports: new SqlReports(new SqliteSql(connection)),
    exec: async (text) => {
      connection.db.exec(text);
    },
    async close() {
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
