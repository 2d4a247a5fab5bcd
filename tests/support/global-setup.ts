import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateTemplate } from "./sqlite-template.js";

/** Migrates one SQLite template for the whole run; tests copy it (tests/support/migrated-sqlite.ts). */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-template-"));
  project.provide("sqliteTemplate", await migrateTemplate(dir));
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
