import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlSnippetStore } from "../../src/db/snippets.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { snippetsContract } from "./snippets.contract.js";

snippetsContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-snippets-"));
  const file = path.join(dir, "snippets.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  return {
    snippets: new SqlSnippetStore(new SqliteSql(connection)),
    async close() {
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
