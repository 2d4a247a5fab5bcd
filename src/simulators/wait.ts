import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Added to the timeout error so a failing test says what it was waiting for. */
  message?: string;
}

/**
 * Polls `fn` until it returns (or resolves to) something other than undefined, null or false, and resolves
 * with it. `fn` may throw (an `expect` inside it, say); the last error is rethrown if time runs out.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, intervalMs = 20, message }: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      if (lastError !== undefined) throw lastError;
      throw new Error(`waitFor timed out after ${timeoutMs} ms${message ? `: ${message}` : ""}`);
    }
    await sleep(intervalMs);
  }
}
