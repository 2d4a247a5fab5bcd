import type { StatementDefinition } from "./statement.js";

/*
 * Full-text search is the one statement the two databases write each their own way (FTS5 `MATCH` against a
 * `tsvector` index): each dialect module defines it, and how an agent's text becomes its terms, behind
 * `FullTextSearch`; src/db/queries/search.ts runs it the same way on both.
 */

/** What the search statement binds: the words as the database's full-text query, and patterns for contacts. */
export interface SearchTerms {
  readonly match: string;
  /** A LIKE pattern for a contact's name. */
  readonly name: string;
  /** A LIKE pattern for a contact's address when the text is a number, else empty. */
  readonly digits: string;
}

export interface SearchValues extends SearchTerms {
  readonly inboxIds: readonly number[];
  readonly limit: number;
}

/**
 * A conversation found, newest activity first: its row (`Conversation.*`) and the message to show, the newest
 * that matched the words, else the conversation's newest.
 */
export type SearchRow = Record<string, unknown> & { readonly shownMessageId: number | string | null };

export interface FullTextSearch {
  readonly statement: StatementDefinition<SearchValues, SearchRow>;
  /** Terms for what an agent typed, or null when there is nothing to look for. */
  terms(text: string, inboxIds: readonly number[]): SearchTerms | null;
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** LIKE patterns (escaped with `\`) for a contact's name and, when the text is a number, its address. */
export function contactPatterns(text: string): Omit<SearchTerms, "match"> {
  const digitsOnly = text.replace(/[\s()+.-]/g, "");
  // At least four digits, so "1" does not find every contact, whatever punctuation the agent typed.
  const digits = /^\d{4,}$/.test(digitsOnly) ? `%${digitsOnly}%` : "";
  return { name: `%${likeEscaped(text.trim())}%`, digits };
}
