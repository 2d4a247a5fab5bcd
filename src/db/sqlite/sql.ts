import type Database from "better-sqlite3";
import { SqliteAdapter, SqliteQueryCompiler } from "kysely";
import { columnValue } from "../rows.js";
import { sqlBuilder } from "../sql/builder.js";
import type { SqlDatabase } from "../sql/database.js";
import type { PreparedStatement } from "../sql/statement.js";
import { type CompiledStatement, compileStatement, type StatementDefinition } from "../sql/statement.js";
import type { TransactionBody } from "../sql/transaction.js";
import type { SqliteConnection } from "./connection.js";

/** How SQLite spells what differs (src/db/sql/builder.ts); better-sqlite3 runs the statements. */
export const sqliteBuilder = sqlBuilder(new SqliteAdapter(), new SqliteQueryCompiler(), {
  greatest: "max",
  integerCast: null,
  lockRows: false,
  jsonText: "json_extract",
});

/** The statements written once, run as better-sqlite3 prepared statements on the app's one connection. */
export class SqliteSql implements SqlDatabase {
  readonly builder = sqliteBuilder;
  /** Each statement with whether it returns rows (a native getter, read once). */
  private readonly prepared = new Map<
    CompiledStatement<never>,
    { statement: Database.Statement; reader: boolean }
  >();

  constructor(private readonly connection: SqliteConnection) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    return {
      compiled,
      read: async (values) => this.rowsOf(compiled, values),
      commitNow: (values) => this.connection.writeNow(() => this.rowsOf(compiled, values)),
      write: (values) => this.connection.write(() => this.rowsOf(compiled, values)),
    };
  }

  transaction<T>(body: () => TransactionBody<T>): Promise<T> {
    return this.connection.write(() => this.runSteps(body()));
  }

  /** Runs a transaction body's statements in the connection's write that is open now. */
  runSteps<T>(steps: TransactionBody<T>): T {
    let step = steps.next();
    while (!step.done) step = steps.next(this.rowsOf(step.value.statement.compiled, step.value.values));
    return step.value;
  }

  /** Synchronous, so that a transaction runs whole within one group commit. */
  private rowsOf<Values, Row>(compiled: CompiledStatement<Values>, values: Values): Row[] {
    const key = compiled as CompiledStatement<never>;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      const statement = this.connection.db.prepare(compiled.text);
      prepared = { statement, reader: statement.reader };
      this.prepared.set(key, prepared);
    }
    // better-sqlite3 binds neither dates nor booleans: they are stored as Prisma stores them.
    const parameters = compiled.bind(values, columnValue);
    // A statement that returns no rows refuses `all`: it is `run`.
    if (prepared.reader) return prepared.statement.all(parameters) as Row[];
    prepared.statement.run(parameters);
    return [];
  }
}
