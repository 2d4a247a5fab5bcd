import type { AppDatabase, DatabaseOptions } from "./database.js";
import { isPostgresUrl } from "./database-url.js";
import { postgresDatabase } from "./postgres/database.js";
import { sqliteDatabase } from "./sqlite/database.js";

/** SQLite for a `file:` URL, PostgreSQL for a `postgresql://` one; nothing is opened until `open`. */
export function createDatabase(databaseUrl: string, options: DatabaseOptions): AppDatabase {
  return isPostgresUrl(databaseUrl)
    ? postgresDatabase(databaseUrl, options)
    : sqliteDatabase(databaseUrl, options);
}
