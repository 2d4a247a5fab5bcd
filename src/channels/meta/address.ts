/**
 * Meta's object ids (Pages, Instagram accounts, page- and Instagram-scoped user ids) are 64-bit integers,
 * written in digits.
 */
const graphId = /^\d{1,20}$/;

export const isGraphId = (value: string) => graphId.test(value);

/** What an agent typed as a Page or Instagram account id, trimmed; null when it is not one. */
export function parseGraphId(input: string): string | null {
  const trimmed = input.trim();
  return graphId.test(trimmed) ? trimmed : null;
}
