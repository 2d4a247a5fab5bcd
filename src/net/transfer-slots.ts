/**
 * A counting semaphore. Files are held in memory whole (providers take a Buffer), so the number of large
 * transfers running at once is what bounds the memory media work can take.
 */
export class Slots {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Runs `work` once a slot is free, and frees the slot when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  get busy(): number {
    return this.inUse;
  }

  private acquire(): Promise<void> {
    if (this.inUse < this.size) {
      this.inUse++;
      return Promise.resolve();
    }
    // The slot is handed over directly on release, so a newcomer cannot overtake the queue.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inUse--;
  }
}

/** At most this many media downloads and uploads run at once in the process (each up to 30 MB in memory). */
export const maxConcurrentTransfers = 4;

/** Shared by every media download (customer channels, Slack) and upload to Slack, across the whole process. */
export const mediaTransfers = new Slots(maxConcurrentTransfers);
