import { setTimeout as sleep } from "node:timers/promises";
import { DeliveryError } from "../core/errors.js";
import type { PaceSlots, PostPacing } from "../core/ports/pacing.js";

/** Slack's documented pace for chat.postMessage: about one message per second per channel, short bursts allowed. */
export interface PaceRule {
  readonly perSecond: number;
  readonly burst: number;
}

export const slackPostPace: PaceRule = { perSecond: 1, burst: 3 };

/**
 * How late after its slot a post may reach Slack, in ms: posts leave at their slots but arrive 5–20 ms later
 * under load (event loops, the network), and not all equally late. Slack's bucket refills from when a post
 * arrives, so `reserveSlot` counts a post that finds the bucket full as arriving this late (decision 0015).
 * Twice the jitter measured, for leaving late and arriving late together; it costs throughput only when a
 * channel's burst has refilled, never while it is busy.
 */
export const arrivalSpreadMs = 40;

/**
 * How far ahead a post may reserve its slot and wait for it, holding one of the worker's slots meanwhile: enough
 * for a retry whose timer fires a little early. Beyond it nothing is reserved and the job is released until the
 * slot comes, so posts waiting for busy channels never tie up the worker (decision 0012).
 */
export const defaultHorizonMs = 10;

/**
 * Paces posts per Slack channel through `PostPacing`, which every instance on the database shares (decision
 * 0012): a post reserves the channel's next slot and waits for it, or, when there is none soon, fails as
 * "paced" so the queue retries it then; a 429 pushes the channel's slots past its Retry-After for everyone.
 */
export class ChannelPacer {
  private readonly slots: PaceSlots;

  constructor(
    private readonly pacing: PostPacing,
    rule: PaceRule = slackPostPace,
    private readonly now: () => number = Date.now,
    private readonly horizonMs = defaultHorizonMs,
  ) {
    this.slots = {
      intervalMs: Math.ceil(1000 / rule.perSecond),
      burst: rule.burst,
      spreadMs: arrivalSpreadMs,
    };
  }

  /** Resolves at this post's slot in `channelId`; rejects with a PACED DeliveryError when none is free soon. */
  async awaitSlot(channelId: string): Promise<void> {
    const now = this.now();
    const reservation = await this.pacing
      .reserve(channelId, now, this.slots, this.horizonMs)
      .catch((error: unknown) => {
        // Nothing was posted: a clear failure the queue retries, not an unknown outcome to look into.
        throw new DeliveryError("PACE_UNAVAILABLE", "could not reserve a slot in the channel's pace", {
          transient: true,
          cause: error,
        });
      });
    if (!reservation.granted) {
      throw new DeliveryError("PACED", "waiting for Slack's per-channel pace", {
        transient: true,
        category: "paced",
        retryAfterMs: reservation.retryAt - now,
      });
    }
    const wait = reservation.postAt - now;
    if (wait > 0) await sleep(wait);
  }

  /** Slack answered 429: no instance posts to `channelId` before `retryAfterMs` has passed. */
  rateLimited(channelId: string, retryAfterMs: number): Promise<void> {
    return this.pacing.pauseUntil(channelId, this.now() + retryAfterMs, this.slots);
  }
}
