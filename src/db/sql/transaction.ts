import type { PreparedStatement } from "./statement.js";

/**
 * A transaction's work, written once as a generator: it yields each statement it runs and is resumed with its
 * rows (`const rows = yield* all(statement, values)`). SQLite runs it synchronously inside its group commit,
 * where no await may happen; PostgreSQL awaits each statement on the transaction's own connection. Between
 * statements a body only computes (the core's `decide` functions are synchronous): it awaits nothing else.
 */
export type TransactionBody<T> = Generator<TransactionStep, T, unknown[]>;

/** A statement a transaction body asks to run, with its values. */
export interface TransactionStep {
  readonly statement: PreparedStatement<unknown, unknown>;
  readonly values: unknown;
  /** Only its first row is wanted (SQLite then stops at it). */
  readonly first?: boolean;
}

/** The rows of `statement` run in the transaction. */
export function* all<Values, Row>(
  statement: PreparedStatement<Values, Row>,
  values: Values,
): Generator<TransactionStep, Row[], unknown[]> {
  return (yield { statement: statement as PreparedStatement<unknown, unknown>, values }) as Row[];
}

/** The first row of `statement` run in the transaction, if any. */
export function* first<Values, Row>(
  statement: PreparedStatement<Values, Row>,
  values: Values,
): Generator<TransactionStep, Row | undefined, unknown[]> {
  const step = { statement: statement as PreparedStatement<unknown, unknown>, values, first: true };
  return ((yield step) as Row[])[0];
}
