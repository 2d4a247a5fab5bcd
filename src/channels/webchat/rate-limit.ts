/**
 * At most `limit` actions per `windowMs` for each key (a visitor, an IP address), counted in fixed windows in
 * this process's memory. Keys are forgotten when their window ends, so memory follows the active visitors.
 */
export class RateLimit {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one action; false when the key is over its limit (the action is refused, not counted). */
  take(key: string): boolean {
    const now = this.now();
    this.forgetEnded(now);
    const window = this.windows.get(key);
    if (!window) {
      this.windows.set(key, { startedAt: now, count: 1 });
      return true;
    }
    if (window.count >= this.limit) return false;
    window.count++;
    return true;
  }

  /** Maps iterate in insertion order, and a window starts when its key is inserted: the oldest come first. */
  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt < this.windowMs) break;
      this.windows.delete(key);
    }
  }
}
