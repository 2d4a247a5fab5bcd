import type { PoolConfig, QueryResult } from "pg";
import pg from "pg";

/** PostgreSQL's one-byte `"char"` type, used by the system catalogs (pg_class.relkind, pg_constraint.contype…). */
const charOid = 18;
const textOid = 25;

/**
 * A pg client that labels `"char"` columns as text. The schema engine reads the catalogs when it inspects a
 * database (to diff it against a schema), and @prisma/adapter-pg 7.10 refuses `"char"` columns as an unsupported
 * type, so the inspection fails. pg already returns their values as one-letter strings, which is what text is.
 */
class CatalogCharAsTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: passes pg's many query overloads through unchanged.
  override query(...args: any[]): any {
    // A pool calls its client with a callback; the adapter awaits the promise of a client it checked out.
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, answer: QueryResult) =>
        last(error, answer && relabel(answer));
    }
    // biome-ignore lint/suspicious/noExplicitAny: the same overloads.
    const result = (pg.Client.prototype.query as (...a: any[]) => unknown).apply(this, args);
    return result instanceof Promise ? result.then(relabel) : result;
  }
}

function relabel(answer: QueryResult): QueryResult {
  for (const field of answer.fields ?? []) if (field.dataTypeID === charOid) field.dataTypeID = textOid;
  return answer;
}

/** The pool configuration the schema engine's adapter connects with. */
export function schemaEnginePoolConfig(databaseUrl: string): PoolConfig {
  return {
    connectionString: databaseUrl,
    application_name: "threadline-migrate",
    Client: CatalogCharAsTextClient,
  };
}
