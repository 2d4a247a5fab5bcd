import pg from "pg";
import type { ConnectedInbox } from "../health.js";
import { migrationsState } from "../migrate.js";
import { PostgresUnreachable, postgresWhere, problemOf } from "./connect-problem.js";
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
    const { pending, failed } = migrationsState(rows, migrationsDir);
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
