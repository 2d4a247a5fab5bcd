import pg from "pg";
import { AppError, errorMessage } from "../../errors.js";
import type { ConnectedInbox } from "../health.js";
import { readMigrationsList } from "../migrate.js";
import { appliedMigrations } from "./migration-lock.js";

export interface PostgresInspection {
  /** `host:port/database`, without the credentials, for the report. */
  readonly where: string;
  /** Migrations in the folder that the database has not recorded as applied. */
  readonly pending: readonly string[];
  /** Migrations that started and never finished: the database needs a person. */
  readonly failed: readonly string[];
  /** Inboxes connected to a Slack channel; null while the Inbox table does not exist yet. */
  readonly inboxes: readonly ConnectedInbox[] | null;
}

export type PostgresProblem = "auth" | "unreachable" | "no-database" | "other";

/** Connecting failed; `problem` says which fix applies. */
export class PostgresUnreachable extends AppError {
  constructor(
    readonly where: string,
    readonly problem: PostgresProblem,
    cause: unknown,
  ) {
    super("DATABASE_UNREACHABLE", errorMessage(cause), { cause });
  }
}

export function postgresWhere(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

function problemOf(error: unknown): PostgresProblem {
  const code = (error as { code?: string }).code;
  // 28P01: wrong password; 28000: no such role, or pg_hba.conf refuses this user/host.
  if (code === "28P01" || code === "28000") return "auth";
  if (code === "3D000") return "no-database";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ETIMEDOUT") {
    return "unreachable";
  }
  if (errorMessage(error).includes("timeout")) return "unreachable";
  return "other";
}

/**
 * Whether the app could connect to the PostgreSQL database, how far it is migrated and which inboxes are
 * connected, reading only: one connection, no lock, nothing written.
 */
export async function inspectPostgres(
  databaseUrl: string,
  migrationsDir: string,
): Promise<PostgresInspection> {
  const where = postgresWhere(databaseUrl);
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: "threadline-doctor",
    connectionTimeoutMillis: 5_000,
  });
  // An error on the idle client would otherwise be thrown as an unhandled 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new PostgresUnreachable(where, problemOf(error), error);
  }
  try {
    const rows = (await appliedMigrations(client)) ?? [];
    const applied = new Set(
      rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name),
    );
    const failed = rows
      .filter((r) => r.finished_at === null && r.rolled_back_at === null)
      .map((r) => r.migration_name);
    const pending = readMigrationsList(migrationsDir)
      .migrationDirectories.map((m) => m.path)
      .filter((name) => !applied.has(name));
    const inboxTable = await client.query(`SELECT to_regclass('public."Inbox"') AS name`);
    const inboxes =
      inboxTable.rows[0]?.name === null
        ? null
        : (
            await client.query<ConnectedInbox>(
              'SELECT "kind", "address", "slackChannelId" FROM "Inbox" WHERE "slackChannelId" IS NOT NULL ORDER BY "id"',
            )
          ).rows;
    return { where, pending, failed, inboxes };
  } finally {
    await client.end();
  }
}
