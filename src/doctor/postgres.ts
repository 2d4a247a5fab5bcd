import { errorMessage } from "../core/errors.js";
import type { ConnectedInbox } from "../db/health.js";
import { type PostgresProblem, PostgresUnreachable, postgresWhere } from "../db/postgres/connect-problem.js";
import { inspectPostgres } from "../db/postgres/health.js";
import type { CheckResult } from "./result.js";

export type PostgresDatabaseCheck = CheckResult & {
  /** The connected inboxes when the database can be read for them, else why not. */
  readonly inboxes: readonly ConnectedInbox[] | string;
};

const connectFixes: Record<PostgresProblem, string> = {
  auth: "The user name or password in DATABASE_URL is wrong, or pg_hba.conf does not let this user connect from this host: check postgresql://<user>:<password>@host:port/db (percent-encode special characters in the password).",
  unreachable:
    "Nothing answers at that host and port: check the host name and port in DATABASE_URL, that PostgreSQL is running, and that listen_addresses and the firewall let this machine in.",
  "no-database":
    "The server is there but the database is not: create it (createdb <name>, or CREATE DATABASE <name>; owned by the app's user), then `npm start` migrates it.",
  other: "Check DATABASE_URL and the PostgreSQL server's log.",
};

/** The PostgreSQL counterpart of the SQLite database check: can the app connect, and how far is it migrated. */
export async function checkPostgresDatabase(
  databaseUrl: string,
  migrationsDir: string,
): Promise<PostgresDatabaseCheck> {
  const name = "Database";
  try {
    const found = await inspectPostgres(databaseUrl, migrationsDir);
    const inboxes =
      found.inboxes ?? `the Inbox table does not exist yet in ${found.where}; \`npm start\` creates it`;
    if (found.failed.length > 0) {
      return {
        name,
        status: "fail",
        inboxes: "needs a migrated, readable database",
        detail: `${found.where}: migration ${found.failed.join(", ")} started and did not finish`,
        fix: "Restore the database from a backup, or fix it and mark the migration with `npx prisma migrate resolve --schema prisma/postgresql/schema.prisma`; then start again.",
      };
    }
    if (found.pending.length > 0) {
      return {
        name,
        status: "warn",
        inboxes,
        detail: `PostgreSQL ${found.where} is reachable; ${found.pending.length} migration(s) not applied yet (${found.pending.join(", ")})`,
        fix: "They are applied automatically by the next `npm start` (one instance migrates, the others wait); back up the database first if it holds data you care about.",
      };
    }
    return {
      name,
      status: "ok",
      inboxes,
      detail: `PostgreSQL ${found.where} is reachable and fully migrated`,
    };
  } catch (error) {
    return {
      name,
      status: "fail",
      inboxes: "needs a reachable database",
      detail:
        error instanceof PostgresUnreachable
          ? error.message
          : `cannot connect to PostgreSQL ${safeWhere(databaseUrl)}: ${errorMessage(error)}`,
      fix: connectFixes[error instanceof PostgresUnreachable ? error.problem : "other"],
    };
  }
}

function safeWhere(databaseUrl: string): string {
  try {
    return postgresWhere(databaseUrl);
  } catch {
    return "(DATABASE_URL is not a valid URL)";
  }
}
