/** Slack's documented pace for chat.postMessage: about one message per second per channel, short bursts allowed. */
export interface PaceRule {
  readonly perSecond: number;
  readonly burst: number;
}

export const slackPostPace: PaceRule = { perSecond: 1, burst: 3 };

/** Channels whose buckets are kept; the least recently used ones beyond this start full again. */
const maxChannels = 10_000;

/** A little under the allowed rate, so clocks that disagree by a few ms never cost a 429. */
const safetyMs = 5;

interface Bucket {
  tokens: number;
  /** When `tokens` was counted; nothing may be taken before it (a 429's Retry-After). */
  at: number;
}

/**
 * A token bucket per Slack channel. A post takes a token or learns how long until one is free, so the delivery
 * queue waits on a timer instead of bouncing off Slack's 429s; a 429 that comes anyway empties the bucket until
 * its Retry-After.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: PaceRule = slackPostPace,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when a token was taken for `channelId`; otherwise the ms until one is free (nothing is taken). */
  take(channelId: string): number {
    const now = this.now();
    const bucket = this.refilled(channelId, now);
    if (now < bucket.at) return bucket.at - now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / this.rule.perSecond) + safetyMs;
  }

  /** Slack answered 429: nothing more for this channel until `retryAfterMs` has passed. */
  rateLimited(channelId: string, retryAfterMs: number): void {
    this.remember(channelId, { tokens: 1, at: this.now() + retryAfterMs });
  }

  private refilled(channelId: string, now: number): Bucket {
    const bucket = this.buckets.get(channelId) ?? { tokens: this.rule.burst, at: now };
    if (now > bucket.at) {
      bucket.tokens = Math.min(
        this.rule.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * this.rule.perSecond,
      );
      bucket.at = now;
    }
    this.remember(channelId, bucket);
    return bucket;
  }

  private remember(channelId: string, bucket: Bucket): void {
    this.buckets.delete(channelId);
    this.buckets.set(channelId, bucket);
    if (this.buckets.size > maxChannels) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}
