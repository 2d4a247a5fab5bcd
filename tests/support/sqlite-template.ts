import path from "node:path";
import Database from "better-sqlite3";
import { migrateDatabase } from "../../src/db/migrate.js";

/**
 * Migrates a new SQLite file in `dir` and leaves it closed, checkpointed and alone (no -wal, no -shm), so a
 * plain file copy is a complete database.
 */
export async function migrateTemplate(dir: string): Promise<string> {
  const file = path.join(dir, "template.db");
  await migrateDatabase(`file:${file}`);
  const db = new Database(file);
  try {
    db.pragma("journal_mode = DELETE");
  } finally {
    db.close();
  }
  return file;
}
