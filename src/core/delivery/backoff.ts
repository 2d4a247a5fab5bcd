export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** After this many failed attempts a transient failure is treated as permanent. */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, maxAttempts: 30 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed so retries never bunch up at zero,
 * half is random so many failing lanes don't retry in lockstep.
 */
export function retryDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
