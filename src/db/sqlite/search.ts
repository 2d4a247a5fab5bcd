import type Database from "better-sqlite3";
import { searchText } from "../../core/search-words.js";
import type { ConversationSearch } from "../store/conversation-store.js";

/** What `findConversations` binds for a search text: an FTS5 query, a LIKE pattern for names, one for numbers. */
export interface SearchTerms {
  readonly match: string;
  readonly name: string;
  readonly digits: string;
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * Turns what an agent typed into search terms for the given inboxes, or null when there is nothing to look for.
 * Every word becomes an FTS5 string with its quotes doubled and a prefix `*`, so no input is read as FTS5 syntax
 * (AND, NEAR, column filters, stray quotes) and "refund" also finds "refunded"; the words are looked for in the
 * body only, and only in messages whose `inbox` token is one of the inboxes' (migration
 * *_message_search_by_inbox), so other inboxes' messages are skipped by the index, not read and dropped.
 * Numbers match by their digits (at least four, so "1" does not find every contact), whatever punctuation the
 * agent typed.
 */
export function searchTerms(text: string, inboxIds: readonly number[]): SearchTerms | null {
  const { words } = searchText(text);
  if (words.length === 0 || inboxIds.length === 0) return null;
  const phrases = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
  const inboxes = inboxIds.map((id) => `"inbox${Math.trunc(id)}"`).join(" OR ");
  return { match: `inbox : (${inboxes}) AND body : (${phrases})`, ...contactPatterns(text) };
}

/** LIKE patterns (escaped with `\`) for a contact's name and, when the text is a number, its address. */
export function contactPatterns(text: string): Omit<SearchTerms, "match"> {
  const digitsOnly = text.replace(/[\s()+.-]/g, "");
  const digits = /^\d{4,}$/.test(digitsOnly) ? `%${digitsOnly}%` : "";
  return { name: `%${likeEscaped(text.trim())}%`, digits };
}

/**
 * Conversations by the full-text index (FTS5 MATCH, never a scan) and contacts by name or number; the newest
 * matching message of each conversation is the one shown, else the conversation's newest.
 */
export class SqliteSearch implements ConversationSearch {
  private statement: Database.Statement | null = null;

  constructor(private readonly db: () => Database.Database) {}

  async find(inboxIds: readonly number[], text: string, limit: number) {
    const terms = searchTerms(text, inboxIds);
    if (!terms) return [];
    this.statement ??= this.db().prepare(findStatement);
    const rows = this.statement.all({ ...terms, inboxes: JSON.stringify(inboxIds), limit }) as {
      id: number;
      messageId: number | null;
    }[];
    return rows.map((row) => ({ conversationId: Number(row.id), messageId: row.messageId }));
  }
}

const findStatement = `WITH "inboxes" AS (SELECT "value" AS "id" FROM json_each(@inboxes)),
  "hits" ("conversationId", "messageId") AS (
    SELECT m."conversationId", m."id" FROM "MessageSearch" s JOIN "Message" m ON m."id" = s."rowid"
    WHERE @match <> '' AND "MessageSearch" MATCH @match
    UNION ALL
    SELECT c."id", NULL FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
    WHERE c."inboxId" IN (SELECT "id" FROM "inboxes")
      AND ((@name <> '' AND ct."displayName" LIKE @name ESCAPE '\\')
        OR (@digits <> '' AND ct."address" LIKE @digits))),
  "best" AS (SELECT "conversationId", MAX("messageId") AS "messageId" FROM "hits" GROUP BY "conversationId")
  SELECT "id", COALESCE("matched", "last") AS "messageId" FROM (
    SELECT c."id", b."messageId" AS "matched",
      (SELECT MAX(m."id") FROM "Message" m WHERE m."conversationId" = c."id") AS "last"
    FROM "best" b JOIN "Conversation" c ON c."id" = b."conversationId"
    WHERE c."inboxId" IN (SELECT "id" FROM "inboxes"))
  ORDER BY "last" DESC NULLS LAST, "id" DESC LIMIT @limit`;
