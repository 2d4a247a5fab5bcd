/**
 * The visitors' open event streams in this process: whoever records a message of a visitor's conversation (their
 * own, or an agent's reply sent to them) tells their streams, which read what is new from the database.
 */
export class LiveVisitors {
  private readonly streams = new Map<string, Set<() => void>>();

  /** At most this many streams per visitor (tabs), so one visitor cannot hold unbounded connections. */
  static readonly maxStreamsPerVisitor = 5;

  /** Listens for the visitor's changes; null when they already have too many streams open. */
  listen(inboxAddress: string, visitorAddress: string, changed: () => void): (() => void) | null {
    const key = `${inboxAddress} ${visitorAddress}`;
    const streams = this.streams.get(key) ?? new Set();
    if (streams.size >= LiveVisitors.maxStreamsPerVisitor) return null;
    streams.add(changed);
    this.streams.set(key, streams);
    return () => {
      streams.delete(changed);
      if (streams.size === 0) this.streams.delete(key);
    };
  }

  changed(inboxAddress: string, visitorAddress: string): void {
    for (const changed of this.streams.get(`${inboxAddress} ${visitorAddress}`) ?? []) changed();
  }

  /** How many streams are open, for tests and logs. */
  get size(): number {
    let count = 0;
    for (const streams of this.streams.values()) count += streams.size;
    return count;
  }
}
