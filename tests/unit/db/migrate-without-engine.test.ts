import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as schemaEngineWasm from "@prisma/schema-engine-wasm/schema_engine_bg";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/db/migrate.js";

// Its own file, so its own process: nothing else here has instantiated the schema engine.

const migrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-db-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

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

it("starts on an up-to-date database without instantiating the schema engine", async () => {
  const file = path.join(dir, "threadline.db");
  migrateByHand(file);

  await expect(migrateDatabase(`file:${file}`)).resolves.toEqual({ applied: [] });

  // The glue answers only once the engine's Wasm is instantiated.
  expect(() => schemaEngineWasm.version()).toThrow();
});
