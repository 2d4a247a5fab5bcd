/**
 * How often one person may ask the model (drafts and summaries together): a sliding window in memory, per
 * instance. It keeps one person from running up the model's bill or starving their teammates of a shared
 * local model; it is not a security boundary.
 */
export interface AiRateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

export const defaultAiRateLimit: AiRateLimit = { requests: 20, windowMs: 10 * 60_000 };

export class PerPersonLimit {
  private readonly asked = new Map<string, number[]>();

  constructor(
    private readonly limit: AiRateLimit,
    private readonly now: () => number,
  ) {}

  /** Counts a request by `userId` and returns null, or how long (ms) until they may ask again. */
  take(userId: string): number | null {
    const now = this.now();
    const recent = (this.asked.get(userId) ?? []).filter((at) => at > now - this.limit.windowMs);
    if (recent.length >= this.limit.requests) {
      this.asked.set(userId, recent);
      return (recent[0] as number) + this.limit.windowMs - now;
    }
    recent.push(now);
    this.asked.set(userId, recent);
    return null;
  }
}
