import { PostgresAdapter, PostgresQueryCompiler, sql } from "kysely";
import type pg from "pg";
import { searchText } from "../../core/search-words.js";
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
import { inTransaction } from "./pool.js";

/** How PostgreSQL spells what differs (src/db/sql/builder.ts); pg runs the statements. */
export const postgresBuilder = sqlBuilder(new PostgresAdapter(), new PostgresQueryCompiler(), {
  greatest: "greatest",
  integerCast: "bigint",
  lockRows: true,
  oneOf: (value, list, type) => sql<boolean>`${value} = any(cast(${list} as ${sql.raw(`${type}[]`)}))`,
  jsonInteger: (json, key) => sql<number | null>`cast(cast(${json} as jsonb) ->> ${sql.lit(key)} as integer)`,
  startsWith: (text, prefix) => sql<boolean>`starts_with(${text}, ${prefix})`,
  unindexed: (value) => sql`${value}`,
});

/**
 * The words of message `m`, written exactly as the GIN index of migration *_message_search has them: PostgreSQL
 * uses that index only for this expression.
 */
export const messageWords = `to_tsvector('simple', m."body")`;

/**
 * Messages by the GIN index over their words, contacts by name or number; the newest matching message of each
 * conversation is the one shown, else the conversation's newest.
 */
const search = statement<SearchValues, SearchRow>("search_postgres", ({ db }, p) => {
  const inboxes = sql`cast(${p.inboxIds} as integer[])`;
  const query = sql<SearchRow>`with "hits" ("conversationId", "messageId") as (
      select m."conversationId", m."id" from "Message" m join "Conversation" c on c."id" = m."conversationId"
      where ${sql.raw(messageWords)} @@ to_tsquery('simple', ${p.match}) and c."inboxId" = any(${inboxes})
      union all
      select c."id", null from "Conversation" c join "Contact" ct on ct."id" = c."contactId"
      where c."inboxId" = any(${inboxes})
        and ((${p.name} <> '' and ct."displayName" ilike ${p.name}) or (${p.digits} <> '' and ct."address" like ${p.digits}))),
    "best" as (select "conversationId", max("messageId") as "messageId" from "hits" group by "conversationId"),
    "found" as (
      select b."conversationId", b."messageId" as "matched",
        (select max(m."id") from "Message" m where m."conversationId" = b."conversationId") as "last"
      from "best" b
      order by "last" desc nulls last, b."conversationId" desc limit ${p.limit})
    select c.*, coalesce(f."matched", f."last") as "shownMessageId"
    from "found" f join "Conversation" c on c."id" = f."conversationId"
    order by f."last" desc nulls last, f."conversationId" desc`;
  return { compile: () => query.compile(db) };
});

/**
 * A `to_tsquery` text where every word is a quoted lexeme with a prefix `:*`, all of them required, so no input
 * is read as tsquery syntax (`|`, `!`, `<->`, stray quotes) and "refund" also finds "refunded".
 */
export function postgresSearchTerms(text: string) {
  const { words } = searchText(text);
  if (words.length === 0) return null;
  const match = words.map((word) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ");
  return { match, ...contactPatterns(text) };
}

const postgresFullText: FullTextSearch = { statement: search, terms: postgresSearchTerms };

/** The statements written once, run as named prepared statements through the instance's pool. */
export class PgSql implements SqlDatabase {
  readonly builder = postgresBuilder;
  readonly fullText = postgresFullText;

  constructor(private readonly pool: pg.Pool) {}

  prepare<Values, Row>(definition: StatementDefinition<Values, Row>): PreparedStatement<Values, Row> {
    const compiled = compileStatement(definition, this.builder);
    return {
      compiled,
      read: (values) => rowsOf(this.pool, compiled, values),
      // Outside a transaction a statement commits on its own.
      commitNow: (values) => rowsOf(this.pool, compiled, values),
      write: (values) => rowsOf(this.pool, compiled, values),
    };
  }

  transaction<T>(body: () => TransactionBody<T>): Promise<T> {
    return inTransaction(this.pool, (client) => runSteps(client, body()));
  }
}

/** Runs a transaction body's statements on `client`, in the transaction it has open. */
export async function runSteps<T>(client: pg.ClientBase, steps: TransactionBody<T>): Promise<T> {
  let step = steps.next();
  while (!step.done)
    step = steps.next(await rowsOf(client, step.value.statement.compiled, step.value.values));
  return step.value;
}

/** A named statement: pg prepares it once per connection and reuses the plan. */
async function rowsOf<Values, Row>(
  client: pg.Pool | pg.ClientBase,
  compiled: CompiledStatement<Values>,
  values: Values,
): Promise<Row[]> {
  return (await client.query({ name: compiled.name, text: compiled.text, values: compiled.bind(values) }))
    .rows as Row[];
}
