import type Database from "better-sqlite3";
import { SqliteAdapter, SqliteQueryCompiler, sql } from "kysely";
import { sqlBuilder } from "../sql/builder.js";
import type { SqlDatabase } from "../sql/database.js";
import type { PreparedStatement } from "../sql/statement.js";
import { type CompiledStatement, compileStatement, type StatementDefinition } from "../sql/statement.js";
import type { TransactionBody } from "../sql/transaction.js";
import type { SqliteConnection } from "./connection.js";
import { columnValue } from "./rows.js";

/** How SQLite spells what differs (src/db/sql/builder.ts); better-sqlite3 runs the statements. */
export const sqliteBuilder = sqlBuilder(new SqliteAdapter(), new SqliteQueryCompiler(), {
  greatest: "max",
  integerCast: null,
  lockRows: false,
  oneOf: (value, list) => sql<boolean>`${value} in (select "value" from json_each(${list}))`,
  jsonInteger: (json, key) => sql<number | null>`json_extract(${json}, ${sql.lit(`$.${key}`)})`,
  startsWith: (text, prefix, prefixEnd) => sql<boolean>`(${text} >= ${prefix} and ${text} < ${prefixEnd})`,
  unindexed: (value) => sql`+${value}`,
});

/** The statements written once, run as better-sqlite3 prepared statements on the app's one connection. */
export class SqliteSql implements SqlDatabase {
  readonly builder = sqliteBuilder;
  private readonly prepared = new Map<CompiledStatement<never>, Database.Statement>();

  constructor(private readonly connection: SqliteConnection) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    return {
      compiled,
      read: async (values) => this.rowsOf(compiled, values),
      commitNow: (values) => this.connection.writeNow(() => this.rowsOf(compiled, values)),
    };
  }

  transaction<T>(body: () => TransactionBody<T>): Promise<T> {
    return this.connection.write(() => {
      const steps = body();
      let step = steps.next();
      while (!step.done) step = steps.next(this.rowsOf(step.value.statement.compiled, step.value.values));
      return step.value;
    });
  }

  /** Synchronous, so that a transaction runs whole within one group commit. */
  private rowsOf<Values, Row>(compiled: CompiledStatement<Values>, values: Values): Row[] {
    const key = compiled as CompiledStatement<never>;
    let statement = this.prepared.get(key);
    if (!statement) {
      statement = this.connection.db.prepare(compiled.text);
      this.prepared.set(key, statement);
    }
    // better-sqlite3 binds neither dates nor booleans: they are stored as Prisma stores them.
    const parameters = compiled.bind(values, columnValue);
    // A statement that returns no rows refuses `all`: it is `run`.
    if (statement.reader) return statement.all(parameters) as Row[];
    statement.run(parameters);
    return [];
  }
}
