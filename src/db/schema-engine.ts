import { Worker } from "node:worker_threads";
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiffParams,
  DiffResult,
  SchemaFilter,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

/** The Prisma CLI's default: no table or enum is managed outside Prisma. */
export const noExternalEntities: SchemaFilter = { externalTables: [], externalEnums: [] };

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
 * PostgreSQL one), in a worker thread that exits afterwards (see schema-engine-worker.mjs), and resolves with
 * their results. The connections are closed before it resolves, so the caller can open the file at once.
 */
export function runSchemaEngine<const Calls extends readonly EngineCall[]>(
  url: string,
  calls: Calls,
): Promise<Outputs<Calls>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./schema-engine-worker.mjs", import.meta.url), {
      workerData: { url, calls },
    });
    let answered = false;
    worker.once(
      "message",
      (answer: { ok: true; results: Outputs<Calls> } | { ok: false; message: string }) => {
        answered = true;
        if (answer.ok) resolve(answer.results);
        else reject(new Error(answer.message));
      },
    );
    worker.once("error", (error) => {
      answered = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`The schema engine's thread exited (code ${code}) without an answer`));
    });
  });
}
