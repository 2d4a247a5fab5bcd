import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSchemaPath } from "../../../scripts/postgres-schema.js";
import {
  defaultPostgresMigrationsDir,
  MigrationError,
  migrateDatabase,
  readMigrationsList,
} from "../../../src/db/migrate.js";
import { migrationLockKey } from "../../../src/db/postgres/migration-lock.js";
import { noExternalEntities, runSchemaEngine } from "../../../src/db/schema-engine.js";
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
          filters: noExternalEntities,
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
      await waitFor(async () => {
        const waiting = await query(
          url,
          "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return waiting.length === 1;
      });
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
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).message).toMatch(/^Database migration failed: .*ECONNREFUSED/);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met");
}
