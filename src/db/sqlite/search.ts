import { searchText } from "../../core/search-words.js";

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
