// A pg client for the schema engine on PostgreSQL. Plain JavaScript: the schema engine's process
// (../schema-engine-worker.mjs) imports it, and that process is a bare Node.js one wherever the app runs.
import pg from "pg";

/** PostgreSQL's one-byte `"char"` type, used by the system catalogs (pg_class.relkind, pg_constraint.contype…). */
const charOid = 18;
const textOid = 25;

function relabel(answer) {
  for (const field of answer?.fields ?? []) if (field.dataTypeID === charOid) field.dataTypeID = textOid;
  return answer;
}

/**
 * Labels `"char"` columns as text. The schema engine reads the catalogs when it inspects a database (to diff it
 * against a schema), and @prisma/adapter-pg 7.10 refuses `"char"` columns as an unsupported type, so the
 * inspection fails. pg already returns their values as one-letter strings, which is what text is.
 */
export class CatalogCharAsTextClient extends pg.Client {
  query(...args) {
    // A pool calls its client with a callback; the adapter awaits the promise of a client it checked out.
    const last = args.at(-1);
    if (typeof last === "function") args[args.length - 1] = (error, answer) => last(error, relabel(answer));
    const result = super.query(...args);
    return result instanceof Promise ? result.then(relabel) : result;
  }
}
