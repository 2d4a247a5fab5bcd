import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiffParams,
  DiffResult,
  SchemaFilter,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

/**
 * Tables a migration creates by hand that the schema cannot describe: the FTS5 index over message bodies and
 * the shadow tables SQLite keeps for it. Listed so a diff does not offer to drop them (prisma.config.ts lists
 * them too, for the Prisma CLI).
 */
export const searchTables = [
  "MessageSearch",
  "MessageSearch_config",
  "MessageSearch_data",
  "MessageSearch_docsize",
  "MessageSearch_idx",
];

export const externalEntities: SchemaFilter = { externalTables: searchTables, externalEnums: [] };

/**
 * None on PostgreSQL: its search index is an expression index on "Message", which the engine's diff does not
 * see. (It would refuse SQLite's list anyway: on PostgreSQL names must carry their schema, `public.Name`.)
 */
export const postgresExternalEntities: SchemaFilter = { externalTables: [], externalEnums: [] };

/** The hand-made tables of the database, for the engine's `filters`. */
export const externalEntitiesFor = (postgres: boolean): SchemaFilter =>
  postgres ? postgresExternalEntities : externalEntities;

/** The engine methods we use, by name, with what they take and give. */
interface EngineMethods {
  applyMigrations: { input: ApplyMigrationsInput; output: ApplyMigrationsOutput };
  diff: { input: DiffParams; output: DiffResult };
}

export type EngineCall = {
  [M in keyof EngineMethods]: { method: M; input: EngineMethods[M]["input"] };
}[keyof EngineMethods];

type Outputs<Calls extends readonly EngineCall[]> = {
  [I in keyof Calls]: EngineMethods[Calls[I]["method"]]["output"];
};

/**
 * Runs `calls` in order on one schema engine connected to the database at `url` (a SQLite `file:` URL or a
 * PostgreSQL one), in a Node.js process of its own that exits afterwards (see schema-engine-worker.mjs), and
 * resolves with their results. The connections are closed before it resolves, so the caller can open the file
 * at once.
 *
 * A process, not a worker thread: a thread's Wasm memory goes when it exits, but the C heap it grew (glibc
 * keeps a thread's arena for the next thread) and the engine's pages of the Node binary stayed in the app's
 * RSS, about 6 MB after a migration (docs/decisions/0030-lean-process.md).
 */
export function runSchemaEngine<const Calls extends readonly EngineCall[]>(
  url: string,
  calls: Calls,
): Promise<Outputs<Calls>> {
  return new Promise((resolve, reject) => {
    // Bare Node.js (no tsx loader, no inspector flags of the parent): the engine's side is plain JavaScript.
    const engine = fork(fileURLToPath(new URL("./schema-engine-worker.mjs", import.meta.url)), [], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let answered = false;
    engine.on(
      "message",
      (
        answer: { listening: true } | { ok: true; results: Outputs<Calls> } | { ok: false; message: string },
      ) => {
        if ("listening" in answer) {
          engine.send({ url, calls });
          return;
        }
        answered = true;
        if (answer.ok) resolve(answer.results);
        else reject(new Error(answer.message));
      },
    );
    engine.once("error", (error) => {
      answered = true;
      reject(error);
    });
    engine.once("exit", (code, signal) => {
      if (!answered) {
        reject(
          new Error(`The schema engine's process exited (${signal ?? `code ${code}`}) without an answer`),
        );
      }
    });
  });
}
