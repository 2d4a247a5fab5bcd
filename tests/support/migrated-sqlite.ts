import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { migrateTemplate } from "./sqlite-template.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A SQLite file with every migration applied, made once per run by the global setup. */
    sqliteTemplate?: string;
  }
}

let ownTemplate: Promise<string> | undefined;

/** The run's template, or (a file run outside the projects' global setup) one migrated once in this worker. */
function template(): Promise<string> {
  const provided = inject("sqliteTemplate");
  if (provided && fs.existsSync(provided)) return Promise.resolve(provided);
  ownTemplate ??= migrateTemplate(fs.mkdtempSync(path.join(os.tmpdir(), "threadline-template-")));
  return ownTemplate;
}

/**
 * A migrated SQLite database at `filePath` (its folder is created), copied from the template: a copy takes a
 * millisecond where migrating through the schema engine takes 350–750 ms. The app finds every migration
 * recorded and starts without loading the engine. An existing file is left as it is.
 */
export async function migratedSqliteFile(filePath: string): Promise<string> {
  if (!fs.existsSync(filePath)) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    fs.copyFileSync(await template(), filePath);
  }
  return filePath;
}

/** `migratedSqliteFile` as the `file:` URL DATABASE_URL takes. */
export async function migratedSqliteUrl(filePath: string): Promise<string> {
  return `file:${await migratedSqliteFile(filePath)}`;
}
