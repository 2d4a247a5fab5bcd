import fs from "node:fs";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import * as schemaEngineWasm from "@prisma/schema-engine-wasm/schema_engine_bg";

// Prisma's schema engine, compiled to Wasm (about 5 MB, more once instantiated). Only imported when a
// migration has to run (see migrate.ts), so a process whose database is up to date never loads it.

/** The Prisma CLI's default: no table or enum is managed outside Prisma. */
export const noExternalEntities: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `use` with a schema engine connected to the SQLite file at `url`, then frees the engine and closes every
 * connection it opened: the engine never closes them itself, and it holds `locking_mode=EXCLUSIVE` on the
 * file, which would lock the app out for as long as the connection stayed open.
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
  const factory = new PrismaBetterSqlite3({ url });
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
