/** Faults queued by a test; each one answers `times` requests, in the order they were queued. */
export class FaultQueue<F> {
  private readonly queue: { fault: F; remaining: number }[] = [];

  add(fault: F, times = 1): void {
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${times}`);
    this.queue.push({ fault, remaining: times });
  }

  /** Drops the faults not yet answered (the service recovers). */
  clear(): void {
    this.queue.length = 0;
  }

  take(): F | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.queue.shift();
    return head.fault;
  }
}
