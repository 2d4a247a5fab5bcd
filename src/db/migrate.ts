import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import * as schemaEngineWasm from "@prisma/schema-engine-wasm/schema_engine_bg";
import { AppError, errorMessage } from "../errors.js";
import { isPostgresUrl } from "./database-url.js";
import { withMigrationLock } from "./postgres/migration-lock.js";
import { schemaEnginePoolConfig } from "./postgres/schema-engine-pool.js";

// Resolved from this file, not the cwd, so the app finds its migrations wherever it is started from.
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
export const defaultMigrationsDir = path.join(projectRoot, "prisma", "migrations");
export const defaultPostgresMigrationsDir = path.join(projectRoot, "prisma", "postgresql", "migrations");

/** The migrations folder of the database a URL names. */
export function migrationsDirFor(databaseUrl: string): string {
  return isPostgresUrl(databaseUrl) ? defaultPostgresMigrationsDir : defaultMigrationsDir;
}

/** The Prisma CLI's default: no table or enum is managed outside Prisma. */
export const noExternalEntities: SchemaFilter = { externalTables: [], externalEnums: [] };

export class MigrationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATION_FAILED", message, options);
  }
}

export interface MigrateOptions {
  migrationsDir?: string;
  logger?: { info(obj: object, msg?: string): void };
}

/**
 * Brings the database at `databaseUrl` up to date with its migrations folder. SQLite (`file:<path>`, relative
 * paths from the cwd as the adapter opens them): creates the file and its folder if needed. PostgreSQL
 * (`postgresql://…`): inside an advisory lock, so of several instances starting at once one migrates and the
 * others wait, then find nothing left to apply. Applied migrations are recorded in `_prisma_migrations` exactly
 * as `prisma migrate deploy` records them, so the Prisma CLI can keep managing the same database.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const started = performance.now();
  const migrationsDir = options.migrationsDir ?? migrationsDirFor(databaseUrl);
  try {
    const postgres = isPostgresUrl(databaseUrl);
    if (!postgres) fs.mkdirSync(path.dirname(sqliteFilePath(databaseUrl)), { recursive: true });
    const migrationsList = readMigrationsList(migrationsDir);
    // `migrate deploy` accepts an empty folder; for the app it means a broken install, and every query would fail.
    if (migrationsList.migrationDirectories.length === 0) {
      throw new Error(`No migrations found in ${migrationsDir}`);
    }
    const apply = () =>
      withSchemaEngine(postgres ? databaseUrl : `file:${sqliteFilePath(databaseUrl)}`, (engine) =>
        engine.applyMigrations({ migrationsList, filters: noExternalEntities }),
      );
    const { appliedMigrationNames } = postgres ? await withMigrationLock(databaseUrl, apply) : await apply();
    if (appliedMigrationNames.length > 0) {
      options.logger?.info(
        { migrations: appliedMigrationNames, durationMs: Math.round(performance.now() - started) },
        "Applied database migrations",
      );
    }
    return { applied: appliedMigrationNames };
  } catch (error) {
    throw new MigrationError(`Database migration failed: ${errorMessage(error)}`, { cause: error });
  }
}

/** The file path of a `file:` SQLite URL, absolute against the cwd like better-sqlite3 resolves it. */
export function sqliteFilePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) throw new Error(`Not a SQLite file URL: ${databaseUrl}`);
  return path.resolve(databaseUrl.slice("file:".length));
}

/** Reads the migrations folder the way the Prisma CLI does; a missing folder is an empty history. */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const lockfilePath = "migration_lock.toml";
  const entries = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({
      path: name,
      migrationFile: { path: "migration.sql", content: readMigrationScript(path.join(migrationsDir, name)) },
    }));
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: readTextOrNull(path.join(migrationsDir, lockfilePath)) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/**
 * Runs `use` with a schema engine connected to the database at `url` (a SQLite `file:` URL or a PostgreSQL one),
 * then frees the engine and closes every connection it opened: the engine never closes them itself, and on
 * SQLite it holds `locking_mode=EXCLUSIVE` on the file, which would lock the app out while it stayed open.
 */
export async function withSchemaEngine<T>(
  url: string,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadSchemaEngineWasm();
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = isPostgresUrl(url)
    ? new PrismaPg(schemaEnginePoolConfig(url))
    : new PrismaBetterSqlite3({ url });
  const trackingFactory: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  let engine: SchemaEngine | undefined;
  try {
    // The engine's log lines (every applied script in full) are too noisy for the app log; errors come back
    // as rejections, so nothing is lost by dropping them.
    engine = await schemaEngineWasm.SchemaEngine.new(
      { datamodels: undefined },
      () => {},
      bindMigrationAwareSqlAdapterFactory(trackingFactory),
    );
    return await use(engine);
  } finally {
    engine?.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

let wasmReady: Promise<void> | undefined;

// Node has the WebAssembly global, but the app's `lib` (ES2023, without DOM) does not declare it.
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(
        bytes: Uint8Array,
        imports: object,
      ): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;

/**
 * The package's main entry imports the `.wasm` file as an ES module, which Node 20 only allows behind
 * `--experimental-wasm-modules` (and tsx and vitest do not pass it), so we instantiate it ourselves through
 * its `schema_engine_bg` glue. Exactly once per process: the glue caches views of the instance's memory, so a
 * second instantiation would leave it reading the old one.
 */
function loadSchemaEngineWasm(): Promise<void> {
  wasmReady ??= instantiateSchemaEngineWasm();
  return wasmReady;
}

async function instantiateSchemaEngineWasm(): Promise<void> {
  // The glue module may be shared with another copy of this module (e.g. vitest re-evaluating our sources
  // while keeping node_modules loaded); `version()` only works once the glue has an instance.
  if (isSchemaEngineWasmLoaded()) return;
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await fs.promises.readFile(new URL("./schema_engine_bg.wasm", glueUrl));
  const { instance } = await wasmApi.instantiate(bytes, { "./schema_engine_bg.js": schemaEngineWasm });
  schemaEngineWasm.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
}

function isSchemaEngineWasmLoaded(): boolean {
  try {
    schemaEngineWasm.version();
    return true;
  } catch {
    return false;
  }
}

function readMigrationScript(dir: string): { tag: "ok"; value: string } | { tag: "error"; value: string } {
  try {
    return { tag: "ok", value: fs.readFileSync(path.join(dir, "migration.sql"), "utf8") };
  } catch (error) {
    // The engine reports the unreadable migration by name, as `migrate deploy` does.
    return { tag: "error", value: errorMessage(error) };
  }
}

function readTextOrNull(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}
