// Runs Prisma's schema engine (Wasm) in a child process, so that all the memory it takes (about 25 MB of Wasm
// once instantiated, never given back while the instance lives, and the C heap and code it touches) goes
// away with the process. Plain JavaScript, because the process is a bare Node.js one wherever the app runs
// (compiled, tsx, vitest). Driven by schema-engine.ts: it says it listens, is sent one request, answers once.
import fs from "node:fs";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as schemaEngineWasm from "@prisma/schema-engine-wasm/schema_engine_bg";
import { CatalogCharAsTextClient } from "./postgres/catalog-char-client.mjs";

/**
 * The package's main entry imports the `.wasm` file as an ES module, which Node 20 only allows behind
 * `--experimental-wasm-modules`, so it is instantiated here through its `schema_engine_bg` glue.
 */
async function instantiateSchemaEngine() {
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await fs.promises.readFile(new URL("./schema_engine_bg.wasm", glueUrl));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": schemaEngineWasm });
  schemaEngineWasm.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

/** The driver adapter for a SQLite `file:` URL or a PostgreSQL one. */
function adapterFactory(url) {
  if (url.startsWith("file:")) return new PrismaBetterSqlite3({ url });
  return new PrismaPg({
    connectionString: url,
    application_name: "threadline-migrate",
    Client: CatalogCharAsTextClient,
  });
}

/**
 * The engine's connections are tracked and closed at the end: the engine never closes them itself, and on
 * SQLite it holds `locking_mode=EXCLUSIVE` on the file, which would lock the app out while one stayed open.
 */
async function run({ url, calls }) {
  await instantiateSchemaEngine();
  const opened = [];
  const track = (adapter) => {
    opened.push(adapter);
    return adapter;
  };
  const factory = adapterFactory(url);
  const trackingFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  let engine;
  try {
    // The engine's log lines (every applied script in full) are too noisy; errors come back as rejections.
    engine = await schemaEngineWasm.SchemaEngine.new(
      { datamodels: undefined },
      () => {},
      bindMigrationAwareSqlAdapterFactory(trackingFactory),
    );
    const results = [];
    for (const { method, input } of calls) results.push(await engine[method](input));
    return results;
  } finally {
    engine?.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

// The app holds PostgreSQL's migration lock on its own connection while the engine works: if the app goes
// (a crash, a kill), the lock goes with it, so the engine must not go on migrating alone.
process.once("disconnect", () => process.exit(1));

process.once("message", async (request) => {
  let answer;
  try {
    answer = { ok: true, results: await run(request) };
  } catch (error) {
    // Only the message survives the process boundary intact; the engine's errors carry nothing else useful.
    answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  process.removeAllListeners("disconnect");
  process.send(answer, () => process.exit(0));
});

// Only now: a message that came before its listener would be lost.
process.send({ listening: true });
