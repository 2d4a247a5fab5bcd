import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import Database from "better-sqlite3";
import { AppError, errorMessage } from "../core/errors.js";
import { StartupFailure } from "../errors.js";
import { isPostgresUrl } from "./database-url.js";
import { appliedMigrations, type MigrationRecord, withMigrationLock } from "./postgres/migration-lock.js";
import { externalEntitiesFor, runSchemaEngine } from "./schema-engine.js";
import { assertSqliteDriverLoads } from "./sqlite-driver.js";

// Resolved from this file, not the cwd, so the app finds its migrations wherever it is started from (src/db
// under tsx, dist/db when compiled: both two levels below the project root).
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
export const defaultMigrationsDir = path.join(projectRoot, "prisma", "migrations");
export const defaultPostgresMigrationsDir = path.join(projectRoot, "prisma", "postgresql", "migrations");

/** The migrations folder of the database a URL names. */
export function migrationsDirFor(databaseUrl: string): string {
  return isPostgresUrl(databaseUrl) ? defaultPostgresMigrationsDir : defaultMigrationsDir;
}

export class MigrationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATION_FAILED", message, options);
  }
}

export interface MigrateOptions {
  migrationsDir?: string;
  logger?: { info(obj: object, msg?: string): void };
}

/**
 * Brings the database at `databaseUrl` up to date with its migrations folder. SQLite (`file:<path>`, relative
 * paths from the cwd as the adapter opens them): creates the file and its folder if needed. PostgreSQL
 * (`postgresql://…`): inside an advisory lock, so of several instances starting at once one migrates and the
 * others wait, then find nothing left to apply. Applied migrations are recorded in `_prisma_migrations` exactly
 * as `prisma migrate deploy` records them, so the Prisma CLI can keep managing the same database.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const started = performance.now();
  const postgres = isPostgresUrl(databaseUrl);
  const migrationsDir = options.migrationsDir ?? migrationsDirFor(databaseUrl);
  // Outside the try: a driver that cannot load is not a migration failure, and says so itself.
  if (!postgres) assertSqliteDriverLoads();
  try {
    const migrationsList = readMigrationsList(migrationsDir);
    // `migrate deploy` accepts an empty folder; for the app it means a broken install, and every query would fail.
    if (migrationsList.migrationDirectories.length === 0) {
      throw new Error(`No migrations found in ${migrationsDir}`);
    }
    const applied = postgres
      ? await migratePostgres(databaseUrl, migrationsList)
      : await migrateSqlite(databaseUrl, migrationsList);
    if (applied.length > 0) {
      options.logger?.info(
        { migrations: applied, durationMs: Math.round(performance.now() - started) },
        "Applied database migrations",
      );
    }
    return { applied };
  } catch (error) {
    // A database that cannot be reached or created is not a failed migration, and says what to change itself.
    if (error instanceof StartupFailure) throw error;
    throw new MigrationError(`Database migration failed: ${errorMessage(error)}`, { cause: error });
  }
}

async function migrateSqlite(databaseUrl: string, migrationsList: MigrationList): Promise<string[]> {
  const filePath = sqliteFilePath(databaseUrl);
  createSqliteFile(filePath);
  if (isUpToDate(filePath, migrationsList)) return [];
  return applyMigrations(`file:${filePath}`, migrationsList);
}

/** Creates the file and its folder if needed, so that a place the app cannot write is reported as such. */
function createSqliteFile(filePath: string): void {
  try {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    new Database(filePath, { timeout: 5_000 }).close();
  } catch (error) {
    throw new StartupFailure(
      "DATABASE_UNAVAILABLE",
      `the SQLite database ${filePath} cannot be created or opened (${errorMessage(error)})`,
      "Point DATABASE_URL at a file in a folder this user can write to, e.g. file:./data/threadline.db",
      { cause: error },
    );
  }
}

/** The schema engine takes a lock of its own, but gives up after 10 s: ours makes other instances wait. */
function migratePostgres(databaseUrl: string, migrationsList: MigrationList): Promise<string[]> {
  return withMigrationLock(databaseUrl, async (client) => {
    if (recordsMatch(await appliedMigrations(client), migrationsList)) return [];
    return applyMigrations(databaseUrl, migrationsList);
  });
}

async function applyMigrations(url: string, migrationsList: MigrationList): Promise<string[]> {
  const [{ appliedMigrationNames }] = await runSchemaEngine(url, [
    {
      method: "applyMigrations",
      input: { migrationsList, filters: externalEntitiesFor(isPostgresUrl(url)) },
    },
  ]);
  return appliedMigrationNames;
}

/**
 * Whether `_prisma_migrations` records every migration of the folder as applied, with the checksum Prisma
 * stores (sha256 of migration.sql), and none as failed. Read with better-sqlite3 so that the common start,
 * with nothing to apply, never loads the schema engine. Anything else, including what only the engine can
 * judge (a failed or edited migration, one recorded that the folder lacks), goes to the engine.
 */
export function isUpToDate(filePath: string, migrationsList: MigrationList): boolean {
  if (!fs.existsSync(filePath)) return false;
  // Read-write, though it only reads: a read-only connection can fail to open a WAL database whose writer
  // crashed, as it may not rebuild the shared-memory index.
  const db = new Database(filePath, { fileMustExist: true, timeout: 5_000 });
  try {
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return false;
    const rows = db
      .prepare("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations")
      .all() as MigrationRecord[];
    return recordsMatch(rows, migrationsList);
  } finally {
    db.close();
  }
}

/** Every migration of the folder recorded as finished with its checksum, and nothing else; null: no table. */
function recordsMatch(rows: readonly MigrationRecord[] | null, migrationsList: MigrationList): boolean {
  if (rows === null) return false;
  const applied = new Map<string, string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) return false;
    applied.set(row.migration_name, row.checksum);
  }
  if (applied.size !== migrationsList.migrationDirectories.length) return false;
  return migrationsList.migrationDirectories.every(
    ({ path: name, migrationFile }) =>
      migrationFile.content.tag === "ok" && applied.get(name) === sha256(migrationFile.content.value),
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The file path of a `file:` SQLite URL, absolute against the cwd like better-sqlite3 resolves it. */
export function sqliteFilePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) throw new Error(`Not a SQLite file URL: ${databaseUrl}`);
  return path.resolve(databaseUrl.slice("file:".length));
}

/** Reads the migrations folder the way the Prisma CLI does; a missing folder is an empty history. */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const lockfilePath = "migration_lock.toml";
  const entries = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({
      path: name,
      migrationFile: { path: "migration.sql", content: readMigrationScript(path.join(migrationsDir, name)) },
    }));
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: readTextOrNull(path.join(migrationsDir, lockfilePath)) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

function readMigrationScript(dir: string): { tag: "ok"; value: string } | { tag: "error"; value: string } {
  try {
    return { tag: "ok", value: fs.readFileSync(path.join(dir, "migration.sql"), "utf8") };
  } catch (error) {
    // The engine reports the unreadable migration by name, as `migrate deploy` does.
    return { tag: "error", value: errorMessage(error) };
  }
}

function readTextOrNull(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}

/** A row of `_prisma_migrations`, as either database answers it. */
export interface AppliedMigrationRow {
  readonly migration_name: string;
  readonly finished_at: unknown;
  readonly rolled_back_at: unknown;
}

/** Which migrations of `migrationsDir` a database has yet to apply, and which it began and never finished. */
export function migrationsState(
  rows: readonly AppliedMigrationRow[],
  migrationsDir: string,
): { pending: string[]; failed: string[] } {
  const applied = new Set(
    rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name),
  );
  const failed = rows
    .filter((r) => r.finished_at === null && r.rolled_back_at === null)
    .map((r) => r.migration_name);
  const pending = readMigrationsList(migrationsDir)
    .migrationDirectories.map((m) => m.path)
    .filter((name) => !applied.has(name));
  return { pending, failed };
}
