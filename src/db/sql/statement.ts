import { type Compilable, type RawBuilder, sql } from "kysely";
import { AppError } from "../../core/errors.js";
import type { SqlBuilder } from "./builder.js";

/*
 * A statement is written once, with Kysely, for both databases, and compiled once per database when the store
 * that runs it is built. The values of a call are bound by name into the compiled text's placeholders, so a
 * call costs what a hand-written prepared statement costs: no builder runs on the hot path (decision 0024).
 */

/** Where a value of the call goes: stands in the compiled statement's parameters until a call binds it. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** The values a statement is called with, as expressions to write it with. */
export type Params<Values> = { readonly [Name in keyof Values]: RawBuilder<Values[Name]> };

/** A statement as written, for either database; `compileStatement` turns it into text for one of them. */
export interface StatementDefinition<Values, Row> {
  /** Unique among the app's statements: PostgreSQL prepares it once per connection under this name. */
  readonly name: string;
  readonly build: (builder: SqlBuilder, params: Params<Values>) => Compilable<Row>;
}

/** A statement compiled for one database: its text, and how a call's values become its parameters. */
export interface CompiledStatement<Values> {
  readonly name: string;
  readonly text: string;
  /** The parameters of a call, each passed through `convert` when given (what the driver cannot bind). */
  bind(values: Values, convert?: (value: unknown) => unknown): unknown[];
}

/** Two statements were given one name: PostgreSQL would refuse the second text under it on a connection. */
export class StatementNameTakenError extends AppError {
  constructor(readonly statementName: string) {
    super(
      "SQL_STATEMENT_NAME_TAKEN",
      `Two statements are named "${statementName}": PostgreSQL prepares statements by name, so each needs its own.`,
    );
  }
}

const takenNames = new Set<string>();

/** Defines a statement (once, at module level): its name must be unique in the app. */
export function statement<Values, Row>(
  name: string,
  build: (builder: SqlBuilder, params: Params<Values>) => Compilable<Row>,
): StatementDefinition<Values, Row> {
  if (takenNames.has(name)) throw new StatementNameTakenError(name);
  takenNames.add(name);
  return { name, build };
}

export function compileStatement<Values, Row>(
  definition: StatementDefinition<Values, Row>,
  builder: SqlBuilder,
): CompiledStatement<Values> {
  const params = new Proxy({} as Params<Values>, {
    get: (_, name) => sql`${new Placeholder(String(name))}`,
  });
  const { sql: text, parameters } = definition.build(builder, params).compile();
  // Kysely writes one placeholder per use of a value ($2 and $7 may both be `now`): each is bound by name.
  const names = parameters.map((parameter) =>
    parameter instanceof Placeholder ? parameter.name : undefined,
  );
  return {
    name: definition.name,
    text,
    // A plain loop: this runs on every call.
    bind(values, convert) {
      const record = values as Record<string, unknown>;
      const bound = new Array<unknown>(names.length);
      for (let index = 0; index < names.length; index++) {
        const name = names[index];
        const value = name === undefined ? parameters[index] : record[name];
        bound[index] = convert ? convert(value) : value;
      }
      return bound;
    },
  };
}

export interface PreparedStatement<Values, Row> {
  readonly compiled: CompiledStatement<Values>;
  /** Runs the statement outside any transaction of ours: for reads. */
  read(values: Values): Promise<Row[]>;
  /**
   * Runs the statement in a transaction of its own, committed before it answers, without waiting for other
   * writes (SQLite's next group commit): for a write another instance may look for the moment it is done.
   * Its rows (RETURNING), none for a statement that returns nothing.
   */
  commitNow(values: Values): Promise<Row[]>;
  /**
   * Runs the statement as a write of its own, committed before it answers: SQLite joins its next group commit
   * (many small writes of one moment share a commit), PostgreSQL runs it alone on a pooled connection.
   */
  write(values: Values): Promise<Row[]>;
}
