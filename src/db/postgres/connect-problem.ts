import { errorMessage } from "../../core/errors.js";
import { StartupFailure } from "../../errors.js";

export type PostgresProblem = "auth" | "unreachable" | "no-database" | "other";

/** The short fix of each problem, for the line start-up prints (the doctor explains at more length). */
const fixes: Record<PostgresProblem, string> = {
  auth: "Check the user name and password in DATABASE_URL, and that pg_hba.conf lets this user in from this host",
  unreachable:
    "Check the host and port in DATABASE_URL, and that PostgreSQL is running and lets this machine connect",
  "no-database": "Create the database (createdb <name>) or correct its name in DATABASE_URL",
  other: "Check DATABASE_URL and the PostgreSQL server's log",
};

/** Connecting failed; `problem` says which fix applies. */
export class PostgresUnreachable extends StartupFailure {
  constructor(
    readonly where: string,
    readonly problem: PostgresProblem,
    cause: unknown,
  ) {
    super(
      "DATABASE_UNREACHABLE",
      `cannot connect to PostgreSQL ${where}: ${errorMessage(cause)}`,
      fixes[problem],
      { cause },
    );
  }
}

export function postgresWhere(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

export function problemOf(error: unknown): PostgresProblem {
  const code = (error as { code?: string }).code;
  // 28P01: wrong password; 28000: no such role, or pg_hba.conf refuses this user/host.
  if (code === "28P01" || code === "28000") return "auth";
  if (code === "3D000") return "no-database";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ETIMEDOUT") {
    return "unreachable";
  }
  if (errorMessage(error).includes("timeout")) return "unreachable";
  return "other";
}
