import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../../core/errors.js";
import type { TranscriptLinks } from "../../core/ports/slack.js";

/** Long enough to open the link and read, short enough that a forwarded or leaked link soon stops working. */
export const transcriptLinkTtlMs = 15 * 60 * 1000;

export type SignatureCheck = "valid" | "missing" | "malformed" | "expired" | "wrong";

/**
 * Links to transcript pages carry `sig=<expiry epoch seconds>.<base64url HMAC-SHA256>` over the conversation
 * id and the expiry, so a link opens one conversation until it expires and cannot be altered to open another.
 * The secret arrives at start (from the environment or the database), hence `useSecret`.
 */
export class TranscriptSigner implements TranscriptLinks {
  private key: Buffer | null = null;

  constructor(
    private readonly publicUrl: string,
    private readonly ttlMs: number = transcriptLinkTtlMs,
    private readonly now: () => number = Date.now,
  ) {}

  useSecret(secret: string): void {
    this.key = Buffer.from(secret, "utf8");
  }

  urlFor(conversationId: number): { url: string; expiresAt: Date } {
    const expires = Math.floor((this.now() + this.ttlMs) / 1000);
    return {
      url: `${this.publicUrl}/conversations/${conversationId}?sig=${expires}.${this.mac(String(conversationId), expires)}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  check(conversationId: string, sig: unknown): SignatureCheck {
    if (typeof sig !== "string" || sig === "") return "missing";
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(sig);
    if (!match) return "malformed";
    const expires = Number(match[1]);
    const given = Buffer.from(match[2] as string, "base64url");
    const expected = Buffer.from(this.mac(conversationId, expires), "base64url");
    // Compared before the expiry so a forged link and an expired one cost the same and tell nothing apart.
    const authentic = given.length === expected.length && timingSafeEqual(given, expected);
    if (!authentic) return "wrong";
    return expires * 1000 < this.now() ? "expired" : "valid";
  }

  private mac(conversationId: string, expires: number): string {
    if (!this.key) throw new AppError("TRANSCRIPT_SECRET_UNSET", "transcript links are used before start()");
    return createHmac("sha256", this.key)
      .update(`transcript:${conversationId}:${expires}`)
      .digest("base64url");
  }
}
