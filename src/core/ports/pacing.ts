/* Shared pacing: how fast posts may go to one destination (a Slack channel), agreed by every instance through
 * the database. SQLite, PostgreSQL and the in-memory implementation pass one contract suite
 * (tests/contract/post-pacing.contract.ts). */

/**
 * At most `burst` posts at once, then one per `intervalMs` (whole milliseconds). A post may reach the
 * destination up to `spreadMs` after its slot: the destination's bucket starts refilling when the post arrives,
 * not when it left, so a post that finds the bucket full is counted as arriving that late.
 */
export interface PaceSlots {
  readonly intervalMs: number;
  readonly burst: number;
  readonly spreadMs: number;
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
 *
 * A slot is `max(now, nextAt − tolerance)`. Reserving moves `nextAt` to `max(nextAt, slot + spread) +
 * interval`: while the key is busy (`nextAt` ahead of the slot by more than the spread) posts are spaced by the
 * interval exactly; when its burst has refilled, the spread is added once, as if the post arrived as late as it
 * may. Then `nextAt` is never earlier than the destination's own, whatever the arrivals' jitter within the
 * spread, so no post meets a full bucket (decision 0015).
 */
export function reserveSlot(
  nextAt: number | undefined,
  now: number,
  slots: PaceSlots,
  horizonMs: number,
): { nextAt: number | undefined; reservation: Reservation } {
  const slot = nextAt === undefined ? now : Math.max(now, nextAt - tolerance(slots));
  if (slot > now + horizonMs) return { nextAt, reservation: { granted: false, retryAt: slot - horizonMs } };
  return {
    nextAt: Math.max(nextAt ?? slot, slot + slots.spreadMs) + slots.intervalMs,
    reservation: { granted: true, postAt: slot },
  };
}

/** `nextAt` after a pause until `until`: the first slot is then, and no burst follows it. */
export function pausedNextAt(nextAt: number | undefined, until: number, slots: PaceSlots): number {
  return Math.max(nextAt ?? 0, until + tolerance(slots));
}

/** How far ahead of `nextAt` a post may go: the burst. */
export function tolerance(slots: PaceSlots): number {
  return (slots.burst - 1) * slots.intervalMs;
}
