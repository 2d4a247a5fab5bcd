import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PaceSlots, PostPacing, Reservation } from "../../src/core/ports/pacing.js";

export interface PacingUnderTest {
  /** Handles on one shared pace, each as a separate instance would hold it (its own connection). */
  readonly instances: readonly PostPacing[];
  close(): Promise<void>;
}

const slots: PaceSlots = { intervalMs: 1_000, burst: 3, spreadMs: 0 };
const t0 = 1_800_000_000_000;
const far = 60_000;

const postAt = (reservation: Reservation): number => {
  if (!reservation.granted) throw new Error(`expected a slot, got ${JSON.stringify(reservation)}`);
  return reservation.postAt;
};

/** What every PostPacing must do; each implementation's test file runs this suite against it with 3 handles. */
export function postPacingContract(name: string, open: () => Promise<PacingUnderTest>): void {
  describe(`PostPacing contract: ${name}`, () => {
    let subject: PacingUnderTest;
    let pacing: PostPacing;

    beforeEach(async () => {
      subject = await open();
      pacing = subject.instances[0] as PostPacing;
    });

    afterEach(async () => {
      await subject.close();
    });

    const reserveMany = async (count: number, key = "C1", now = t0) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) times.push(postAt(await pacing.reserve(key, now, slots, far)));
      return times;
    };

    it("grants a burst at once, then one slot per interval", async () => {
      expect(await reserveMany(6)).toEqual([t0, t0, t0, t0 + 1_000, t0 + 2_000, t0 + 3_000]);
    });

    it("keeps each key's pace apart", async () => {
      await reserveMany(3, "C1");
      expect(await reserveMany(2, "C2")).toEqual([t0, t0]);
      expect(await reserveMany(1, "C1")).toEqual([t0 + 1_000]);
    });

    it("refills the burst while nobody posts", async () => {
      await reserveMany(3);
      expect(await reserveMany(4, "C1", t0 + 10_000)).toEqual([
        t0 + 10_000,
        t0 + 10_000,
        t0 + 10_000,
        t0 + 11_000,
      ]);
    });

    it("refuses a slot beyond the horizon without reserving it, and says when to ask again", async () => {
      await reserveMany(3);
      expect(await pacing.reserve("C1", t0, slots, 500)).toEqual({ granted: false, retryAt: t0 + 500 });
      expect(await pacing.reserve("C1", t0, slots, 500)).toEqual({ granted: false, retryAt: t0 + 500 });
      expect(await pacing.reserve("C1", t0 + 500, slots, 500)).toEqual({ granted: true, postAt: t0 + 1_000 });
      expect(await pacing.reserve("C1", t0, slots, 0)).toEqual({ granted: false, retryAt: t0 + 2_000 });
    });

    it("a pause moves the next slot past it for everyone, with no burst after it", async () => {
      const [a, b] = subject.instances as [PostPacing, PostPacing];
      await a.reserve("C1", t0, slots, far);
      await a.pauseUntil("C1", t0 + 30_000, slots);
      expect(postAt(await b.reserve("C1", t0 + 1, slots, far))).toBe(t0 + 30_000);
      expect(postAt(await b.reserve("C1", t0 + 1, slots, far))).toBe(t0 + 31_000);
      // An earlier pause, or one on a key never used, never pulls slots forward.
      await b.pauseUntil("C1", t0 + 5_000, slots);
      expect(postAt(await a.reserve("C1", t0 + 1, slots, far))).toBe(t0 + 32_000);
      await b.pauseUntil("C9", t0 + 5_000, slots);
      expect(postAt(await a.reserve("C9", t0, slots, far))).toBe(t0 + 5_000);
    });

    it("racing reservers on every instance get distinct slots spaced by the interval", async () => {
      const racers = 24;
      const reservations = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          (subject.instances[i % subject.instances.length] as PostPacing).reserve("C1", t0, slots, far),
        ),
      );
      const times = reservations.map(postAt).sort((x, y) => x - y);
      expect(times).toEqual([
        t0,
        t0,
        t0,
        ...Array.from({ length: racers - 3 }, (_, i) => t0 + (i + 1) * 1_000),
      ]);
    });

    it("adds the spread once when the burst has refilled, never while the key is busy", async () => {
      const spread = { ...slots, spreadMs: 40 };
      const times: number[] = [];
      for (let i = 0; i < 6; i++) times.push(postAt(await pacing.reserve("C1", t0, spread, far)));
      expect(times).toEqual([t0, t0, t0 + 40, t0 + 1_040, t0 + 2_040, t0 + 3_040]);
    });

    it("no post meets a full bucket at the destination, however late within the spread it arrives", async () => {
      const spread = { ...slots, spreadMs: 40 };
      const random = seeded(7);
      const arrivals: number[] = [];
      let now = t0;
      for (let i = 0; i < 300; i++) {
        // Quiet spells and rushes alike, so the burst refills now and then.
        now += random() < 0.3 ? Math.floor(random() * 4_000) : Math.floor(random() * 50);
        const at = postAt(await pacing.reserve("C1", now, spread, 1e9));
        arrivals.push(at + Math.floor(random() * (spread.spreadMs + 1)));
      }
      expect(
        rejectedByBucket(
          arrivals.sort((x, y) => x - y),
          spread,
        ),
      ).toEqual([]);
    });
  });
}

/** The arrivals a token bucket of `slots` (Slack's per-channel limit, as the fake Slack keeps it) refuses. */
function rejectedByBucket(arrivals: readonly number[], slots: PaceSlots): number[] {
  let tokens = slots.burst;
  let last = arrivals[0] ?? 0;
  const rejected: number[] = [];
  for (const at of arrivals) {
    tokens = Math.min(slots.burst, tokens + (at - last) / slots.intervalMs);
    last = at;
    if (tokens >= 1) tokens -= 1;
    else rejected.push(at);
  }
  return rejected;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
