import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlCustomerView } from "../../src/db/customer-view.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { sqliteDate } from "../../src/db/sqlite/dates.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { customerViewContract } from "./customer-view.contract.js";

customerViewContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-history-"));
  const file = path.join(dir, "history.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  return {
    view: new SqlCustomerView(new SqliteSql(connection)),
    insert: async (text, values) => {
      const row = connection.db
        .prepare(text)
        .get(...values.map((value) => (value instanceof Date ? sqliteDate(value) : value)));
      return (row as { id: number }).id;
    },
    async close() {
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
