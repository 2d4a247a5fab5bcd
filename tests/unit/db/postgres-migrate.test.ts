import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSchemaPath } from "../../../scripts/postgres-schema.js";
import {
  defaultPostgresMigrationsDir,
  migrateDatabase,
  readMigrationsList,
} from "../../../src/db/migrate.js";
import { PostgresUnreachable } from "../../../src/db/postgres/connect-problem.js";
import { migrationLockKey } from "../../../src/db/postgres/migration-lock.js";
import { messageWords } from "../../../src/db/postgres/sql.js";
import { postgresExternalEntities, runSchemaEngine } from "../../../src/db/schema-engine.js";
import { waitFor } from "../../../src/simulators/wait.js";
import { type PostgresCluster, startPostgres } from "../../support/postgres.js";

const migrationNames = readMigrationsList(defaultPostgresMigrationsDir).migrationDirectories.map(
  (m) => m.path,
);

let cluster: PostgresCluster;
let databases = 0;
const freshDatabase = () => cluster.createDatabase(`migrate_${++databases}`);

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe("migrateDatabase on PostgreSQL", () => {
  it("applies the PostgreSQL migrations once and records them like `prisma migrate deploy`", async () => {
    const url = await freshDatabase();
    expect(migrationNames.length).toBeGreaterThan(0);
    expect((await migrateDatabase(url)).applied).toEqual(migrationNames);
    expect((await migrateDatabase(url)).applied).toEqual([]);
    const rows = await query<{ migration_name: string; finished_at: Date | null }>(
      url,
      "SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
  });

  it("builds exactly the database prisma/postgresql/schema.prisma describes", async () => {
    const url = await freshDatabase();
    await migrateDatabase(url);
    const files = [{ path: postgresSchemaPath, content: fs.readFileSync(postgresSchemaPath, "utf8") }];
    const [{ exitCode, stdout }] = await runSchemaEngine(url, [
      {
        method: "diff",
        input: {
          from: { tag: "schemaDatasource", files, configDir: process.cwd() },
          to: { tag: "schemaDatamodel", files },
          script: true,
          exitCode: true,
          filters: postgresExternalEntities,
        },
      },
    ]);
    expect({ exitCode, stdout }).toEqual({
      exitCode: 0,
      stdout: expect.not.stringMatching(/CREATE|ALTER|DROP/),
    });
  });

  it("migrates once when several instances start at once; the others wait and find nothing to do", async () => {
    const url = await freshDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(url)));
    expect(results.map((result) => result.applied).sort((a, b) => b.length - a.length)).toEqual([
      migrationNames,
      [],
      [],
      [],
    ]);
  });

  it("waits for an instance that holds the migration lock", async () => {
    const url = await freshDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
      let settled = false;
      const migrating = migrateDatabase(url).finally(() => {
        settled = true;
      });
      // The migration is queued on the lock: PostgreSQL shows its request as not granted.
      await waitFor(
        async () => {
          const waiting = await query(
            url,
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
          );
          return waiting.length === 1;
        },
        { timeoutMs: 5_000 },
      );
      expect(settled).toBe(false);
      expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = '_prisma_migrations'")).toEqual([]);
      await holder.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
      expect((await migrating).applied).toEqual(migrationNames);
    } finally {
      await holder.end();
    }
  });

  it("names the problem when the server cannot be reached", async () => {
    const unreachable = cluster.url("threadline").replace(/:\d+\//, ":1/");
    const failure = await migrateDatabase(unreachable).catch((error: unknown) => error);
    // Not a failed migration: nothing was tried. The error says what to change.
    expect(failure).toBeInstanceOf(PostgresUnreachable);
    expect(failure).toMatchObject({ code: "DATABASE_UNREACHABLE", problem: "unreachable" });
    expect((failure as PostgresUnreachable).message).toMatch(/^cannot connect to PostgreSQL .*ECONNREFUSED/);
    expect((failure as PostgresUnreachable).fix).toContain("DATABASE_URL");
  });
});

/** The migrations folder as it was before the migration named `name` (without its timestamp). */
function migrationsBefore(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-pg-migrations-"));
  for (const entry of migrationNames) {
    if (entry.endsWith(`_${name}`)) break;
    fs.cpSync(path.join(defaultPostgresMigrationsDir, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe("PostgreSQL data migrations", () => {
  it("moves each contact's opt-out to its conversations and keeps sent replies' ids as their first part", async () => {
    const url = await freshDatabase();
    const before = migrationsBefore("sent_parts_and_opt_out_per_conversation");
    try {
      await migrateDatabase(url, { migrationsDir: before });
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
    }
    await query(
      url,
      `INSERT INTO "Inbox" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15550001111', now()), (2, 'sms', '+15550002222', now());
      INSERT INTO "Contact" ("id", "kind", "address", "optedOut", "updatedAt") VALUES (1, 'sms', '+15557654321', true, now()), (2, 'sms', '+15557650000', false, now());
      INSERT INTO "Conversation" ("id", "inboxId", "contactId", "updatedAt") VALUES (1, 1, 1, now()), (2, 2, 1, now()), (3, 1, 2, now());
      INSERT INTO "Message" ("id", "conversationId", "direction", "body", "provider", "providerMessageId", "status", "updatedAt") VALUES
        (1, 1, 'in', 'STOP', 'sms', 'SMin', 'received', now()),
        (2, 3, 'out', 'Your refund was sent', 'sms', 'SMout', 'delivered', now()),
        (3, 3, 'out', 'waiting', 'sms', NULL, 'pending', now());`,
    );

    await migrateDatabase(url);

    expect(await query(url, `SELECT "id", "optedOut" FROM "Conversation" ORDER BY "id"`)).toEqual([
      { id: 1, optedOut: true },
      { id: 2, optedOut: true },
      { id: 3, optedOut: false },
    ]);
    expect(
      await query(
        url,
        `SELECT "messageId", "index", "provider", "providerMessageId", "status" FROM "SentPart"`,
      ),
    ).toEqual([{ messageId: 2, index: 0, provider: "sms", providerMessageId: "SMout", status: "delivered" }]);
    // Messages recorded before the search index are found by it too.
    expect(
      await query(
        url,
        `SELECT m."id" FROM "Message" m WHERE ${messageWords} @@ to_tsquery('simple', 'refund:*')`,
      ),
    ).toEqual([{ id: 2 }]);
  });

  it("searches message words through the GIN index, never by reading every message", async () => {
    const url = await freshDatabase();
    await migrateDatabase(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // With so few rows the planner would rather scan: forbidding scans shows whether the index can serve.
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query(
        `EXPLAIN SELECT m."id" FROM "Message" m WHERE ${messageWords} @@ to_tsquery('simple', $1)`,
        ["'refund':*"],
      );
      expect(rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Message_body_search_idx/);
    } finally {
      await client.end();
    }
  });
});
