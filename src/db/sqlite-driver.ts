import Database from "better-sqlite3";
import { AppError, errorMessage } from "../core/errors.js";

/**
 * better-sqlite3's native addon could not be loaded. Without this check the failure surfaces much later and
 * unrecognisably (the schema engine reports it as "External error id#0").
 */
export class SqliteDriverError extends AppError {
  constructor(
    readonly problem: SqliteDriverProblem,
    /** What is wrong, in a sentence. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super("SQLITE_DRIVER_UNLOADABLE", `${detail} ${SqliteDriverError.fix}`, options);
  }

  static readonly fix =
    "Run `npm rebuild better-sqlite3` (with the Node.js you start Threadline with), then start again.";
}

export type SqliteDriverProblem =
  /** Built for another Node.js version (NODE_MODULE_VERSION differs): Node was switched without reinstalling. */
  | "other-node-version"
  /** Never built: installed with scripts disabled, or the build failed. */
  | "not-built"
  /** Built for another platform or CPU, or damaged (e.g. node_modules copied from another machine). */
  | "unloadable";

/** What went wrong loading the addon, in words, with the fix; undefined for an error that is not about that. */
export function classifySqliteDriverError(error: unknown): SqliteDriverError | undefined {
  const message = errorMessage(error);
  const code = (error as { code?: unknown } | null)?.code;
  const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
  if (versions) {
    return new SqliteDriverError(
      "other-node-version",
      `better-sqlite3's native addon was built for another Node.js version (NODE_MODULE_VERSION ${versions[1]}); this Node.js ${process.version} needs NODE_MODULE_VERSION ${versions[2]}.`,
      { cause: error },
    );
  }
  if (message.includes("Could not locate the bindings file")) {
    return new SqliteDriverError(
      "not-built",
      `better-sqlite3's native addon was never built (installed with scripts disabled, or its build failed).`,
      { cause: error },
    );
  }
  if (code === "ERR_DLOPEN_FAILED") {
    return new SqliteDriverError(
      "unloadable",
      `better-sqlite3's native addon cannot be loaded (${firstLine(message)}); it was built for another platform or CPU, or is damaged.`,
      { cause: error },
    );
  }
  return undefined;
}

/**
 * Loads better-sqlite3's native addon (once per process; later calls cost an in-memory open) and throws a
 * SqliteDriverError naming the real cause when it cannot. `nativeBinding` is better-sqlite3's own option,
 * for a test to point at another addon file.
 */
export function assertSqliteDriverLoads(nativeBinding?: string): void {
  try {
    new Database(":memory:", nativeBinding === undefined ? {} : { nativeBinding }).close();
  } catch (error) {
    throw classifySqliteDriverError(error) ?? error;
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
