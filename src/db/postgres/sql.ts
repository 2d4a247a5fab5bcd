import { PostgresAdapter, PostgresQueryCompiler } from "kysely";
import type pg from "pg";
import { sqlBuilder } from "../sql/builder.js";
import type { PreparedStatement, SqlDatabase } from "../sql/database.js";
import { compileStatement, type StatementDefinition } from "../sql/statement.js";
import { prepared } from "./pool.js";

/** How PostgreSQL spells what differs (src/db/sql/builder.ts); pg runs the statements. */
export const postgresBuilder = sqlBuilder(new PostgresAdapter(), new PostgresQueryCompiler(), {
  greatest: "greatest",
  integerCast: "bigint",
});

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
