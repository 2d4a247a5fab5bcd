import type { Config } from "../config.js";
import { errorMessage } from "../core/errors.js";
import { isPostgresUrl } from "../db/database-url.js";
import { type ConnectedInbox, connectedInboxes, DatabaseUnusable, inspectDatabase } from "../db/health.js";
import { defaultMigrationsDir, defaultPostgresMigrationsDir } from "../db/migrate.js";
import { assertSqliteDriverLoads, SqliteDriverError } from "../db/sqlite-driver.js";
import { checkPostgresDatabase } from "./postgres.js";
import type { CheckResult } from "./result.js";

export interface DatabaseDependencies {
  readonly migrationsDir?: string;
  /** better-sqlite3's addon file to load instead of the installed one. */
  readonly sqliteNativeBinding?: string;
}

export interface DatabaseChecks {
  readonly driver: CheckResult;
  readonly database: CheckResult;
  /** The connected inboxes when the database can be read for them, else why not. */
  readonly inboxes: readonly ConnectedInbox[] | string;
}

/** The native addon better-sqlite3 needs; a Node.js upgrade without `npm rebuild` breaks it. */
export function checkSqliteDriver(nativeBinding?: string): CheckResult {
  const name = "SQLite driver";
  try {
    assertSqliteDriverLoads(nativeBinding);
    return { name, status: "ok", detail: `better-sqlite3 loads in Node.js ${process.version}` };
  } catch (error) {
    if (error instanceof SqliteDriverError) {
      return { name, status: "fail", detail: error.detail, fix: SqliteDriverError.fix };
    }
    return {
      name,
      status: "fail",
      detail: `better-sqlite3 fails to open an in-memory database: ${errorMessage(error)}`,
      fix: SqliteDriverError.fix,
    };
  }
}

function checkDatabase(config: Config, migrationsDir: string): CheckResult & { usable: boolean } {
  const name = "Database";
  try {
    const found = inspectDatabase(config.databaseUrl, migrationsDir);
    if (found.state === "missing") {
      return {
        name,
        status: "ok",
        usable: false,
        detail: `${found.file} does not exist yet; it is created and migrated on the first \`npm start\``,
      };
    }
    if (found.failed.length > 0) {
      return {
        name,
        status: "fail",
        usable: false,
        detail: `${found.file}: migration ${found.failed.join(", ")} started and did not finish`,
        fix: "Restore the database from a backup, or fix it and mark the migration with `npx prisma migrate resolve`; then start again.",
      };
    }
    if (found.pending.length > 0) {
      return {
        name,
        status: "warn",
        usable: true,
        detail: `${found.file} is writable; ${found.pending.length} migration(s) not applied yet (${found.pending.join(", ")})`,
        fix: "They are applied automatically by the next `npm start`; back up the file first if it holds data you care about.",
      };
    }
    return { name, status: "ok", usable: true, detail: `${found.file} is writable and fully migrated` };
  } catch (error) {
    return {
      name,
      status: "fail",
      usable: false,
      detail: error instanceof DatabaseUnusable ? error.message : errorMessage(error),
      fix: "Point DATABASE_URL (file:<path>) at a location the app's user can write to, e.g. file:./data/threadline.db.",
    };
  }
}

/** The connected inboxes of the SQLite file, or why they could not be read. */
function sqliteInboxes(databaseUrl: string): readonly ConnectedInbox[] | string {
  try {
    return connectedInboxes(databaseUrl);
  } catch (error) {
    // A database that predates the Inbox table: `npm start` migrates it, then the channels can be checked.
    return `could not read the connected inboxes (${errorMessage(error)})`;
  }
}

function sqliteChecks(config: Config, deps: DatabaseDependencies): DatabaseChecks {
  const driver = checkSqliteDriver(deps.sqliteNativeBinding);
  if (driver.status !== "ok") {
    const database = { name: "Database", status: "skip" as const, detail: "needs a working SQLite driver" };
    return { driver, database, inboxes: "needs a migrated, readable database" };
  }
  const { usable, ...database } = checkDatabase(config, deps.migrationsDir ?? defaultMigrationsDir);
  return {
    driver,
    database,
    inboxes: usable ? sqliteInboxes(config.databaseUrl) : "needs a migrated, readable database",
  };
}

async function postgresChecks(config: Config, deps: DatabaseDependencies): Promise<DatabaseChecks> {
  const { inboxes, ...database } = await checkPostgresDatabase(
    config.databaseUrl,
    deps.migrationsDir ?? defaultPostgresMigrationsDir,
  );
  const driver = { name: "SQLite driver", status: "skip" as const, detail: "DATABASE_URL is PostgreSQL" };
  return { driver, database, inboxes };
}

/** The database DATABASE_URL names, checked the way `npm start` will open it. */
export async function checkDatabases(config: Config, deps: DatabaseDependencies): Promise<DatabaseChecks> {
  return isPostgresUrl(config.databaseUrl) ? postgresChecks(config, deps) : sqliteChecks(config, deps);
}
