import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  isUpToDate,
  MigrationError,
  migrateDatabase,
  readMigrationsList,
  sqliteFilePath,
} from "../../../src/db/migrate.js";

const migrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const migrationNames = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const tempDirs: string[] = [];

afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-db-test-"));
  tempDirs.push(dir);
  return dir;
}

async function migratedDatabase(): Promise<string> {
  const url = `file:${path.join(tempDir(), "threadline.db")}`;
  await migrateDatabase(url);
  return url;
}

describe("migrateDatabase", () => {
  it("creates the database in a missing folder and records every migration like `prisma migrate deploy`", async () => {
    const file = path.join(tempDir(), "not", "yet", "threadline.db");
    const url = `file:${file}`;

    const first = await migrateDatabase(url);

    expect(fs.existsSync(file)).toBe(true);
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(first.applied).toEqual(migrationNames);
    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare(
        "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
      )
      .all() as { migration_name: string; finished_at: unknown; rolled_back_at: unknown }[];
    db.close();
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing when the database is up to date", async () => {
    const url = await migratedDatabase();

    await expect(migrateDatabase(url)).resolves.toEqual({ applied: [] });
  });

  it("applies only what is pending: a migration added to the folder after the database was migrated", async () => {
    const partialDir = path.join(tempDir(), "migrations");
    const [last, ...earlier] = [...migrationNames].reverse();
    for (const name of earlier) {
      fs.cpSync(path.join(migrationsDir, name), path.join(partialDir, name), { recursive: true });
    }
    const url = `file:${path.join(tempDir(), "threadline.db")}`;
    await migrateDatabase(url, { migrationsDir: partialDir });
    expect(isUpToDate(sqliteFilePath(url), readMigrationsList(migrationsDir))).toBe(false);

    await expect(migrateDatabase(url)).resolves.toEqual({ applied: [last] });
    expect(isUpToDate(sqliteFilePath(url), readMigrationsList(migrationsDir))).toBe(true);
  });

  it("fails with MIGRATION_FAILED and the engine's error as cause", async () => {
    const brokenDir = path.join(tempDir(), "migrations");
    fs.mkdirSync(path.join(brokenDir, "20240101000000_broken"), { recursive: true });
    fs.writeFileSync(path.join(brokenDir, "20240101000000_broken", "migration.sql"), "CREATE TABLE oops (;");

    const error = await migrateDatabase(`file:${path.join(tempDir(), "threadline.db")}`, {
      migrationsDir: brokenDir,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("MIGRATION_FAILED");
    expect((error as MigrationError).cause).toBeInstanceOf(Error);
  });
});

describe("isUpToDate", () => {
  const list = () => readMigrationsList(migrationsDir);

  it("is true after migrating: the checksums are the ones Prisma records", async () => {
    const url = await migratedDatabase();

    expect(isUpToDate(sqliteFilePath(url), list())).toBe(true);
  });

  it("is false for a missing file and for a database without _prisma_migrations", () => {
    const file = path.join(tempDir(), "threadline.db");
    expect(isUpToDate(file, list())).toBe(false);

    new Database(file).close();
    expect(isUpToDate(file, list())).toBe(false);
  });

  it("leaves to the engine a migration edited after it was applied, or one that failed", async () => {
    const file = sqliteFilePath(await migratedDatabase());
    const edited = list();
    const first = edited.migrationDirectories[0];
    if (first?.migrationFile.content.tag !== "ok") throw new Error("no readable first migration");
    first.migrationFile.content.value += "\n-- edited";
    expect(isUpToDate(file, edited)).toBe(false);

    const db = new Database(file);
    db.prepare("UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ?").run(first.path);
    db.close();
    expect(isUpToDate(file, list())).toBe(false);
  });
});
