import { type Expression, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from "kysely";
import type pg from "pg";
import { compileOnly } from "../sql/compile-only.js";
import type { PreparedStatement, SqlDatabase } from "../sql/database.js";
import { compileStatement, type SqlBuilder, type StatementDefinition } from "../sql/statement.js";
import { prepared } from "./pool.js";

/** Writes PostgreSQL's SQL; pg runs it. */
export const postgresBuilder: SqlBuilder = {
  db: compileOnly({
    adapter: new PostgresAdapter(),
    compiler: new PostgresQueryCompiler(),
    introspector: (db) => new PostgresIntrospector(db),
  }),
  greatest: <T>(left: Expression<T>, right: Expression<T>) => sql<T>`greatest(${left}, ${right})`,
  integer: (value) => sql<number>`cast(${value} as bigint)`,
};

/** The statements written once, run as named prepared statements through the instance's pool. */
export class PgSql implements SqlDatabase {
  readonly builder = postgresBuilder;

  constructor(private readonly pool: pg.Pool) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    const query = prepared(compiled.name, compiled.text);
    return {
      compiled,
      // Outside a transaction a statement commits on its own.
      commitNow: async (values) => (await this.pool.query(query(compiled.bind(values)))).rows as Row[],
    };
  }
}
