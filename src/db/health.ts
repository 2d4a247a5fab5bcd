import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { AppError, errorMessage } from "../core/errors.js";
import { migrationsState, sqliteFilePath } from "./migrate.js";

export class DatabaseUnusable extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DATABASE_UNUSABLE", message, options);
  }
}

export type DatabaseInspection =
  | { readonly file: string; readonly state: "missing" }
  | {
      readonly file: string;
      readonly state: "present";
      /** Migrations in the folder that the database has not recorded as applied. */
      readonly pending: readonly string[];
      /** Migrations that started and never finished: the database needs a person. */
      readonly failed: readonly string[];
    };

/** The nearest path that exists, walking up from `file`. */
function nearestExisting(file: string): string {
  let current = path.dirname(file);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

/**
 * Whether the app could open and write the SQLite file, and how far it is migrated, without changing it:
 * a missing file only needs a folder it could be created in, an existing one is opened and write-locked in a
 * transaction that is rolled back.
 */
export function inspectDatabase(databaseUrl: string, migrationsDir: string): DatabaseInspection {
  const file = sqliteFilePath(databaseUrl);
  if (!fs.existsSync(file)) {
    const existing = nearestExisting(file);
    if (!fs.statSync(existing).isDirectory()) {
      throw new DatabaseUnusable(`${existing} is a file, so ${path.dirname(file)} cannot be created`);
    }
    try {
      fs.accessSync(existing, fs.constants.W_OK);
    } catch (error) {
      throw new DatabaseUnusable(`${existing} is not writable`, { cause: error });
    }
    return { file, state: "missing" };
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 2_000 });
    db.exec("BEGIN IMMEDIATE; ROLLBACK;");
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    const rows = hasTable
      ? (db.prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations").all() as {
          migration_name: string;
          finished_at: unknown;
          rolled_back_at: unknown;
        }[])
      : [];
    const { pending, failed } = migrationsState(rows, migrationsDir);
    return { file, state: "present", pending, failed };
  } catch (error) {
    throw new DatabaseUnusable(`cannot open ${file} for writing: ${errorMessage(error)}`, { cause: error });
  } finally {
    db?.close();
  }
}

export interface ConnectedInbox {
  readonly kind: string;
  readonly address: string;
  readonly slackChannelId: string;
}

/** Inboxes connected to a Slack channel, read without Prisma so a half-migrated database still answers. */
export function connectedInboxes(databaseUrl: string): ConnectedInbox[] {
  const db = new Database(sqliteFilePath(databaseUrl), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT "kind", "address", "slackChannelId" FROM "Inbox" WHERE "slackChannelId" IS NOT NULL ORDER BY "id"',
      )
      .all() as ConnectedInbox[];
  } finally {
    db.close();
  }
}
