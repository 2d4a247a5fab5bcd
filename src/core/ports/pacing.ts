/* Shared pacing: how fast posts may go to one destination (a Slack channel), agreed by every instance through
 * the database. SQLite, PostgreSQL and the in-memory implementation pass one contract suite
 * (tests/contract/post-pacing.contract.ts). */

/** At most `burst` posts at once, then one per `intervalMs` (whole milliseconds). */
export interface PaceSlots {
  readonly intervalMs: number;
  readonly burst: number;
}

/** Either a slot was reserved (post at `postAt`), or none is free before `retryAt` + the horizon asked for. */
export type Reservation =
  | { readonly granted: true; readonly postAt: number }
  | { readonly granted: false; readonly retryAt: number };

export interface PostPacing {
  /**
   * Atomically reserves the earliest free slot for `key` at or after `now` (epoch ms), when it is at most
   * `horizonMs` away; otherwise reserves nothing and says when to ask again. Racing callers, whichever
   * instance they run in, get distinct slots spaced by `slots`.
   */
  reserve(key: string, now: number, slots: PaceSlots, horizonMs: number): Promise<Reservation>;
  /** No slot for `key` starts before `until` (epoch ms), for anyone: the destination asked us to back off. */
  pauseUntil(key: string, until: number, slots: PaceSlots): Promise<void>;
}

/**
 * The generic cell rate algorithm over one number per key, `nextAt` (the theoretical time of the next post):
 * the pure rule the database statements also implement. `nextAt` undefined is a key never used.
 */
export function reserveSlot(
  nextAt: number | undefined,
  now: number,
  slots: PaceSlots,
  horizonMs: number,
): { nextAt: number | undefined; reservation: Reservation } {
  const due = Math.max(nextAt ?? now, now);
  const slot = Math.max(now, due - tolerance(slots));
  if (slot > now + horizonMs) return { nextAt, reservation: { granted: false, retryAt: slot - horizonMs } };
  return { nextAt: due + slots.intervalMs, reservation: { granted: true, postAt: slot } };
}

/** `nextAt` after a pause until `until`: the first slot is then, and no burst follows it. */
export function pausedNextAt(nextAt: number | undefined, until: number, slots: PaceSlots): number {
  return Math.max(nextAt ?? 0, until + tolerance(slots));
}

/** How far ahead of `nextAt` a post may go: the burst. */
export function tolerance(slots: PaceSlots): number {
  return (slots.burst - 1) * slots.intervalMs;
}
