import type Database from "better-sqlite3";
import { SqliteAdapter, SqliteQueryCompiler } from "kysely";
import { sqlBuilder } from "../sql/builder.js";
import type { PreparedStatement, SqlDatabase } from "../sql/database.js";
import { compileStatement, type StatementDefinition } from "../sql/statement.js";
import type { SqliteConnection } from "./connection.js";

/** How SQLite spells what differs (src/db/sql/builder.ts); better-sqlite3 runs the statements. */
export const sqliteBuilder = sqlBuilder(new SqliteAdapter(), new SqliteQueryCompiler(), {
  greatest: "max",
  integerCast: null,
});

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
