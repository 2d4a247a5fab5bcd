import { createHook } from "node:async_hooks";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/db/migrate.js";

// The schema engine runs in a child process (src/db/schema-engine.ts): whether one was started tells
// whether the engine was loaded.

const migrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-db-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function processesStartedDuring(run: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "PROCESSWRAP") started += 1;
    },
  }).enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return started;
}

/** A database migrated the way `prisma migrate deploy` leaves it, written without the schema engine. */
function migrateByHand(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
  const record = db.prepare(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count")
     VALUES (?, ?, current_timestamp, ?, 1)`,
  );
  const names = fs.readdirSync(migrationsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const { name } of names.sort((a, b) => a.name.localeCompare(b.name))) {
    const script = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
    db.exec(script);
    record.run(name, createHash("sha256").update(script).digest("hex"), name);
  }
  db.close();
}

it("starts the schema engine in a process of its own for a new database, and not for one up to date", async () => {
  const fresh = `file:${path.join(dir, "fresh.db")}`;
  expect(await processesStartedDuring(() => migrateDatabase(fresh))).toBe(1);
  expect(await processesStartedDuring(() => migrateDatabase(fresh))).toBe(0);
});

it("recognises a database migrated by `prisma migrate deploy` as up to date without the engine", async () => {
  const file = path.join(dir, "by-hand.db");
  migrateByHand(file);

  let result: unknown;
  const started = await processesStartedDuring(async () => {
    result = await migrateDatabase(`file:${file}`);
  });

  expect(result).toEqual({ applied: [] });
  expect(started).toBe(0);
});
