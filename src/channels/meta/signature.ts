import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `X-Hub-Signature-256: sha256=<hex>` is an HMAC-SHA256 of the exact bytes Meta sent, keyed with the App
 * Secret. Meta serializes with escaped unicode, so re-serializing the parsed body would not reproduce them:
 * only the raw bytes can be checked. Constant-time comparison, so the answer time reveals nothing.
 */
export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: unknown): boolean {
  if (typeof header !== "string") return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
