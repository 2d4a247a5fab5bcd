import { searchText } from "../../core/search-words.js";
import { contactPatterns, type SearchTerms } from "../sqlite/search.js";

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
