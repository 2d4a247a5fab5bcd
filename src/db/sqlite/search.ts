/** What `findConversations` binds for a search text: an FTS5 query, a LIKE pattern for names, one for numbers. */
export interface SearchTerms {
  readonly match: string;
  readonly name: string;
  readonly digits: string;
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * Turns what an agent typed into search terms, or null when there is nothing to look for. Every word becomes
 * an FTS5 string with its quotes doubled and a prefix `*`, so no input is read as FTS5 syntax (AND, NEAR,
 * column filters, stray quotes) and "refund" also finds "refunded". Numbers match by their digits (at least
 * four, so "1" does not find every contact), whatever punctuation the agent typed.
 */
export function searchTerms(text: string): SearchTerms | null {
  const words = searchWords(text);
  if (words.length === 0) return null;
  const match = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
  return { match, ...contactPatterns(text) };
}

/** The words of a search text that can match anything: those with a letter or a digit. */
export const searchWords = (text: string): string[] =>
  text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));

/** LIKE patterns (escaped with `\`) for a contact's name and, when the text is a number, its address. */
export function contactPatterns(text: string): Omit<SearchTerms, "match"> {
  const digitsOnly = text.replace(/[\s()+.-]/g, "");
  const digits = /^\d{4,}$/.test(digitsOnly) ? `%${digitsOnly}%` : "";
  return { name: `%${likeEscaped(text.trim())}%`, digits };
}
