import type pg from "pg";
import { searchText } from "../../core/search-words.js";
import { contactPatterns, type SearchTerms } from "../sqlite/search.js";
import type { ConversationSearch } from "../store/conversation-store.js";
import { prepared } from "./pool.js";

/**
 * The words of message `m`, written exactly as the GIN index of migration *_message_search has them: PostgreSQL
 * uses that index only for this expression.
 */
export const messageWords = `to_tsvector('simple', m."body")`;

/**
 * What `findConversations` binds on PostgreSQL, or null when there is nothing to look for: a `to_tsquery` text
 * where every word is a quoted lexeme with a prefix `:*`, all of them required, so no input is read as tsquery
 * syntax (`|`, `!`, `<->`, stray quotes) and "refund" also finds "refunded". Names and numbers as on SQLite.
 */
export function postgresSearchTerms(text: string): SearchTerms | null {
  const { words } = searchText(text);
  if (words.length === 0) return null;
  const match = words.map((word) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ");
  return { match, ...contactPatterns(text) };
}

/**
 * Conversations by the GIN index over their messages' words, and contacts by name or number; the newest
 * matching message of each conversation is the one shown, else the conversation's newest.
 */
export class PgSearch implements ConversationSearch {
  constructor(private readonly pool: pg.Pool) {}

  async find(inboxIds: readonly number[], text: string, limit: number) {
    const terms = postgresSearchTerms(text);
    if (inboxIds.length === 0 || !terms) return [];
    const { rows } = await this.pool.query(
      findStatement([terms.match, terms.name, terms.digits, [...inboxIds], limit]),
    );
    return rows.map((row) => ({
      conversationId: Number(row.conversationId),
      messageId: row.messageId === null ? null : Number(row.messageId),
    }));
  }
}

const findStatement = prepared(
  "threadline_find_conversations",
  `WITH "hits" ("conversationId", "messageId") AS (
      SELECT m."conversationId", m."id" FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE ${messageWords} @@ to_tsquery('simple', $1) AND c."inboxId" = ANY($4::int[])
      UNION ALL
      SELECT c."id", NULL FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE c."inboxId" = ANY($4::int[])
        AND (($2 <> '' AND ct."displayName" ILIKE $2) OR ($3 <> '' AND ct."address" LIKE $3))),
    "best" AS (SELECT "conversationId", MAX("messageId") AS "messageId" FROM "hits" GROUP BY "conversationId"),
    "found" AS (
      SELECT b."conversationId", b."messageId" AS "matched",
        (SELECT MAX(m."id") FROM "Message" m WHERE m."conversationId" = b."conversationId") AS "last"
      FROM "best" b)
    SELECT "conversationId", COALESCE("matched", "last") AS "messageId" FROM "found"
    ORDER BY "last" DESC NULLS LAST, "conversationId" DESC LIMIT $5`,
);
