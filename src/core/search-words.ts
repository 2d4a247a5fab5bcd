/**
 * What `/threadline find` searches for. Every word is a prefix ("refund" finds "refunded"): a one-letter prefix
 * matches nearly every message, and each word is one more index look-up, so both are bounded here, where the
 * command answers, and again by the stores, which search only the words this returns.
 */
export const maxSearchWords = 6;

const searchedCharacters = /[\p{L}\p{N}]/gu;

/** Words with at least two letters or digits; the others can't narrow a search. */
const isSearchable = (word: string) => (word.match(searchedCharacters)?.length ?? 0) >= 2;

export interface SearchText {
  /** The words searched, at most `maxSearchWords`. */
  readonly words: readonly string[];
  /** Words left out because they have fewer than two letters or digits (punctuation alone is not counted). */
  readonly tooShort: readonly string[];
  /** How many words had letters or digits, before any was left out. */
  readonly given: number;
}

export function searchText(text: string): SearchText {
  const meaningful = text.split(/\s+/).filter((word) => word.match(searchedCharacters));
  return {
    words: meaningful.filter(isSearchable).slice(0, maxSearchWords),
    tooShort: meaningful.filter((word) => !isSearchable(word)),
    given: meaningful.length,
  };
}
