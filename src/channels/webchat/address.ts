/**
 * A web chat inbox's address is its site key: the site's name in lowercase letters, digits and dashes
 * ("Acme Store" → "acme-store"), starting with a letter so that no phone number or Page id typed to
 * `/threadline disconnect` reads as one. It is public (it sits in the embed snippet), so it needs no secrecy.
 */
export function parseSiteKey(input: string): string | null {
  const key = input
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(key) && key.length <= 60 ? key : null;
}

/**
 * A visitor's address is the SHA-256 of their visitor token, in hex: the token stays in their browser, and
 * the database only ever sees (and is looked up by) its hash.
 */
export const isVisitorAddress = (value: string) => /^[0-9a-f]{64}$/.test(value);

/** "Visitor 3F2A": the first characters of the hash tell two visitors apart, and reveal nothing of the token. */
export function visitorName(visitorAddress: string): string {
  return `Visitor ${visitorAddress.slice(0, 4).toUpperCase()}`;
}
