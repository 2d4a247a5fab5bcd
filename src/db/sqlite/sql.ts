import type Database from "better-sqlite3";
import { SqliteAdapter, SqliteQueryCompiler, sql } from "kysely";
import { searchText } from "../../core/search-words.js";
import { columnValue } from "../rows.js";
import { sqlBuilder } from "../sql/builder.js";
import type { SqlDatabase } from "../sql/database.js";
import { contactPatterns, type FullTextSearch, type SearchRow, type SearchValues } from "../sql/search.js";
import type { PreparedStatement } from "../sql/statement.js";
import {
  type CompiledStatement,
  compileStatement,
  type StatementDefinition,
  statement,
} from "../sql/statement.js";
import type { TransactionBody } from "../sql/transaction.js";
import type { SqliteConnection } from "./connection.js";

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

/**
 * Messages by the FTS5 index (migration *_message_search_by_inbox), contacts by name or number; the newest
 * matching message of each conversation is the one shown, else the conversation's newest.
 */
const search = statement<SearchValues, SearchRow>("search_sqlite", ({ db }, p) => {
  const inboxes = sql`select "value" from json_each(${p.inboxIds})`;
  const query = sql<SearchRow>`with "hits" ("conversationId", "messageId") as (
      select m."conversationId", m."id" from "MessageSearch" s join "Message" m on m."id" = s."rowid"
      where ${p.match} <> '' and "MessageSearch" match ${p.match}
      union all
      select c."id", null from "Conversation" c join "Contact" ct on ct."id" = c."contactId"
      where c."inboxId" in (${inboxes})
        and ((${p.name} <> '' and ct."displayName" like ${p.name} escape '\\')
          or (${p.digits} <> '' and ct."address" like ${p.digits}))),
    "best" as (select "conversationId", max("messageId") as "messageId" from "hits" group by "conversationId")
    select * from (
      select c.*, coalesce(b."messageId",
          (select max(m."id") from "Message" m where m."conversationId" = c."id")) as "shownMessageId",
        (select max(m."id") from "Message" m where m."conversationId" = c."id") as "lastMessageId"
      from "best" b join "Conversation" c on c."id" = b."conversationId"
      where c."inboxId" in (${inboxes}))
    order by "lastMessageId" desc nulls last, "id" desc limit ${p.limit}`;
  return { compile: () => query.compile(db) };
});

/**
 * Every word becomes an FTS5 string with its quotes doubled and a prefix `*`, so no input is read as FTS5 syntax
 * (AND, NEAR, column filters, stray quotes) and "refund" also finds "refunded"; the words are looked for in the
 * body only, and only in messages whose `inbox` token is one of the inboxes', so other inboxes' messages are
 * skipped by the index, not read and dropped.
 */
export function sqliteSearchTerms(text: string, inboxIds: readonly number[]) {
  const { words } = searchText(text);
  if (words.length === 0 || inboxIds.length === 0) return null;
  const phrases = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
  const inboxes = inboxIds.map((id) => `"inbox${Math.trunc(id)}"`).join(" OR ");
  return { match: `inbox : (${inboxes}) AND body : (${phrases})`, ...contactPatterns(text) };
}

const sqliteFullText: FullTextSearch = { statement: search, terms: sqliteSearchTerms };

/** The statements written once, run as better-sqlite3 prepared statements on the app's one connection. */
export class SqliteSql implements SqlDatabase {
  readonly builder = sqliteBuilder;
  readonly fullText = sqliteFullText;
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
    while (!step.done) {
      const { statement, values, first } = step.value;
      step = steps.next(this.rowsOf(statement.compiled, values, first));
    }
    return step.value;
  }

  /** Synchronous, so that a transaction runs whole within one group commit. */
  private rowsOf<Values, Row>(compiled: CompiledStatement<Values>, values: Values, first = false): Row[] {
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
    if (prepared.reader && first) {
      const row = prepared.statement.get(parameters) as Row | undefined;
      return row === undefined ? [] : [row];
    }
    if (prepared.reader) return prepared.statement.all(parameters) as Row[];
    prepared.statement.run(parameters);
    return [];
  }
}
