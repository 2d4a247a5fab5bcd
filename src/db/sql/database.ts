import type { SqlBuilder } from "./builder.js";
import type { FullTextSearch } from "./search.js";
import type { PreparedStatement, StatementDefinition } from "./statement.js";
import type { TransactionBody } from "./transaction.js";

/**
 * One database as the code written once sees it: how to write its statements, and how to run them. Each
 * database implements it in one small module (src/db/sqlite/sql.ts, src/db/postgres/sql.ts) over what it
 * already has: SQLite's one connection and its group commit, PostgreSQL's pool.
 */
export interface SqlDatabase {
  readonly builder: SqlBuilder;
  /** Its full-text search of messages, the one statement written for each database. */
  readonly fullText: FullTextSearch;
  /** Compiles `definition` for this database; prepares it on first use (the tables exist once migrated). */
  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row>;
  /**
   * Runs `body` as one transaction and answers once it has committed; when a statement or the body throws,
   * nothing of it is kept and the promise rejects with that error. On SQLite it joins the next group commit.
   */
  transaction<T>(body: () => TransactionBody<T>): Promise<T>;
}
