import type Database from "better-sqlite3";
import { type Expression, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from "kysely";
import { compileOnly } from "../sql/compile-only.js";
import type { PreparedStatement, SqlDatabase } from "../sql/database.js";
import { compileStatement, type SqlBuilder, type StatementDefinition } from "../sql/statement.js";
import type { SqliteConnection } from "./connection.js";

/** Writes SQLite's SQL; better-sqlite3 runs it. */
export const sqliteBuilder: SqlBuilder = {
  db: compileOnly({
    adapter: new SqliteAdapter(),
    compiler: new SqliteQueryCompiler(),
    introspector: (db) => new SqliteIntrospector(db),
  }),
  greatest: <T>(left: Expression<T>, right: Expression<T>) => sql<T>`max(${left}, ${right})`,
  integer: (value) => sql<number>`${value}`,
};

/** The statements written once, run as better-sqlite3 prepared statements on the app's one connection. */
export class SqliteSql implements SqlDatabase {
  readonly builder = sqliteBuilder;

  constructor(private readonly connection: SqliteConnection) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    const connection = this.connection;
    let prepared: Database.Statement | undefined;
    // A statement that returns no rows refuses `all`: it is `run`.
    const rowsOf = (values: Values): Row[] => {
      prepared ??= connection.db.prepare(compiled.text);
      const parameters = compiled.bind(values);
      if (prepared.reader) return prepared.all(parameters) as Row[];
      prepared.run(parameters);
      return [];
    };
    return {
      compiled,
      commitNow: (values) => connection.writeNow(() => rowsOf(values)),
    };
  }
}
