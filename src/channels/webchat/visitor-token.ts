import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, base64url: what the visitor's browser keeps (localStorage) and shows on every request. */
export function newVisitorToken(): string {
  return randomBytes(32).toString("base64url");
}

const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/**
 * The visitor's address (the contact's, in the database) from their token: its SHA-256 in hex, or null for
 * anything that is not a token we could have issued. Conversations are looked up by this hash, so no stored
 * secret is ever compared byte by byte, and a copy of the database holds no token.
 */
export function visitorAddressOf(token: string | undefined): string | null {
  if (token === undefined || !tokenShape.test(token)) return null;
  return createHash("sha256").update(token).digest("hex");
}

/** The token from `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/.exec(header ?? "");
  return match?.[1];
}
