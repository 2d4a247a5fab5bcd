import type pg from "pg";
import { type PaceSlots, type PostPacing, type Reservation, tolerance } from "../../core/ports/pacing.js";
import { prepared } from "./pool.js";

/*
 * `reserveSlot` (src/core/ports/pacing.ts) as one upsert: the row lock it takes serialises racing instances,
 * and every SET expression reads the row as it was, so the answer it writes into `slotAt`/`granted` is this
 * call's own. $2 now, $3 interval, $4 burst tolerance, $5 horizon, $6 spread.
 */
const slot = `greatest($2::bigint, pace."nextAt" - $4::bigint)`;
const fits = `${slot} <= $2::bigint + $5::bigint`;
const reserve = prepared(
  "pace_reserve",
  `INSERT INTO "ChannelPace" AS pace ("channelId", "nextAt", "slotAt", "granted")
   VALUES ($1, $2::bigint + $6::bigint + $3::bigint, $2::bigint, true)
   ON CONFLICT ("channelId") DO UPDATE SET
     "nextAt" = CASE WHEN ${fits} THEN greatest(pace."nextAt", ${slot} + $6::bigint) + $3::bigint ELSE pace."nextAt" END,
     "slotAt" = ${slot},
     "granted" = ${fits}
   RETURNING "slotAt", "granted"`,
);
const pause = prepared(
  "pace_pause",
  `INSERT INTO "ChannelPace" AS pace ("channelId", "nextAt", "slotAt", "granted")
   VALUES ($1, $2::bigint, 0, false)
   ON CONFLICT ("channelId") DO UPDATE SET "nextAt" = greatest(pace."nextAt", $2::bigint)`,
);

/** Per-channel post slots in the shared database: one statement per post, whichever instance posts. */
export class PgPostPacing implements PostPacing {
  constructor(private readonly pool: pg.Pool) {}

  async reserve(key: string, now: number, slots: PaceSlots, horizonMs: number): Promise<Reservation> {
    const { rows } = await this.pool.query(
      reserve([key, now, slots.intervalMs, tolerance(slots), horizonMs, slots.spreadMs]),
    );
    const row = rows[0] as { slotAt: string; granted: boolean };
    const slot = Number(row.slotAt);
    return row.granted ? { granted: true, postAt: slot } : { granted: false, retryAt: slot - horizonMs };
  }

  async pauseUntil(key: string, until: number, slots: PaceSlots): Promise<void> {
    await this.pool.query(pause([key, until + tolerance(slots)]));
  }
}
