import { PostgresAdapter, PostgresQueryCompiler, sql } from "kysely";
import type pg from "pg";
import { sqlBuilder } from "../sql/builder.js";
import type { SqlDatabase } from "../sql/database.js";
import type { PreparedStatement } from "../sql/statement.js";
import { type CompiledStatement, compileStatement, type StatementDefinition } from "../sql/statement.js";
import type { TransactionBody } from "../sql/transaction.js";
import { inTransaction } from "./pool.js";

/** How PostgreSQL spells what differs (src/db/sql/builder.ts); pg runs the statements. */
export const postgresBuilder = sqlBuilder(new PostgresAdapter(), new PostgresQueryCompiler(), {
  greatest: "greatest",
  integerCast: "bigint",
  lockRows: true,
  oneOf: (value, list, type) => sql<boolean>`${value} = any(cast(${list} as ${sql.raw(`${type}[]`)}))`,
  jsonInteger: (json, key) => sql<number | null>`cast(cast(${json} as jsonb) ->> ${sql.lit(key)} as integer)`,
  startsWith: (text, prefix) => sql<boolean>`starts_with(${text}, ${prefix})`,
  unindexed: (value) => sql`${value}`,
});

/** The statements written once, run as named prepared statements through the instance's pool. */
export class PgSql implements SqlDatabase {
  readonly builder = postgresBuilder;

  constructor(private readonly pool: pg.Pool) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    return {
      compiled,
      read: (values) => rowsOf(this.pool, compiled, values),
      // Outside a transaction a statement commits on its own.
      commitNow: (values) => rowsOf(this.pool, compiled, values),
    };
  }

  transaction<T>(body: () => TransactionBody<T>): Promise<T> {
    return inTransaction(this.pool, (client) => runSteps(client, body()));
  }
}

/** Runs a transaction's work on `client`, in the transaction it has begun. */
export async function runSteps<T>(client: pg.PoolClient, steps: TransactionBody<T>): Promise<T> {
  let step = steps.next();
  while (!step.done)
    step = steps.next(await rowsOf(client, step.value.statement.compiled, step.value.values));
  return step.value;
}

/** A named statement: pg prepares it once per connection and reuses the plan. */
async function rowsOf<Values, Row>(
  client: pg.Pool | pg.PoolClient,
  compiled: CompiledStatement<Values>,
  values: Values,
): Promise<Row[]> {
  return (await client.query({ name: compiled.name, text: compiled.text, values: compiled.bind(values) }))
    .rows as Row[];
}
