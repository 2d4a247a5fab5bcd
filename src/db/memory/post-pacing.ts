import {
  type PaceSlots,
  type PostPacing,
  pausedNextAt,
  type Reservation,
  reserveSlot,
} from "../../core/ports/pacing.js";

/** Pacing within one process (tests, or an app that shares nothing): a `nextAt` per key in a map. */
export class MemoryPostPacing implements PostPacing {
  private readonly nextAt = new Map<string, number>();

  async reserve(key: string, now: number, slots: PaceSlots, horizonMs: number): Promise<Reservation> {
    const { nextAt, reservation } = reserveSlot(this.nextAt.get(key), now, slots, horizonMs);
    if (nextAt !== undefined) this.nextAt.set(key, nextAt);
    return reservation;
  }

  async pauseUntil(key: string, until: number, slots: PaceSlots): Promise<void> {
    this.nextAt.set(key, pausedNextAt(this.nextAt.get(key), until, slots));
  }
}
