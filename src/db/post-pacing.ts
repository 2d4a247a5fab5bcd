import { sql } from "kysely";
import { type PaceSlots, type PostPacing, type Reservation, tolerance } from "../core/ports/pacing.js";
import type { SqlDatabase } from "./sql/database.js";
import type { PreparedStatement } from "./sql/statement.js";
import { statement } from "./sql/statement.js";

interface ReserveRow {
  readonly slotAt: number | string;
  readonly granted: boolean | number;
}

interface ReserveValues {
  key: string;
  now: number;
  interval: number;
  spread: number;
  tolerance: number;
  horizon: number;
}

/*
 * `reserveSlot` (src/core/ports/pacing.ts) as one upsert. Racing callers are serialised by the row lock it
 * takes (PostgreSQL) or the file's write lock (SQLite), and every SET expression reads the row as it was, so
 * the answer it writes into `slotAt`/`granted` is this call's own.
 */
const reserve = statement<ReserveValues, ReserveRow>("pace_reserve", ({ db, greatest, integer }, p) => {
  const now = integer(p.now);
  const interval = integer(p.interval);
  const spread = integer(p.spread);
  const horizon = integer(p.horizon);
  return db
    .insertInto("ChannelPace")
    .values({
      channelId: p.key,
      nextAt: sql`${now} + ${spread} + ${interval}`,
      slotAt: now,
      granted: sql.lit(true),
    })
    .onConflict((conflict) =>
      conflict.column("channelId").doUpdateSet((eb) => {
        const nextAt = eb.ref("ChannelPace.nextAt");
        const slot = greatest(now, sql<number>`${nextAt} - ${integer(p.tolerance)}`);
        const fits = sql<boolean>`${slot} <= ${now} + ${horizon}`;
        return {
          nextAt: eb
            .case()
            .when(fits)
            .then(sql<number>`${greatest(nextAt, sql`${slot} + ${spread}`)} + ${interval}`)
            .else(nextAt)
            .end(),
          slotAt: slot,
          granted: fits,
        };
      }),
    )
    .returning(["slotAt", "granted"]);
});

const pause = statement<{ key: string; nextAt: number }, never>(
  "pace_pause",
  ({ db, greatest, integer }, p) =>
    db
      .insertInto("ChannelPace")
      .values({ channelId: p.key, nextAt: integer(p.nextAt), slotAt: sql.lit(0), granted: sql.lit(false) })
      .onConflict((conflict) =>
        conflict
          .column("channelId")
          .doUpdateSet((eb) => ({ nextAt: greatest(eb.ref("ChannelPace.nextAt"), integer(p.nextAt)) })),
      ),
);

/** Per-channel post slots in the database: one statement per post, whichever instance posts. */
export class SqlPostPacing implements PostPacing {
  private readonly reserveStatement: PreparedStatement<ReserveValues, ReserveRow>;
  private readonly pauseStatement: PreparedStatement<{ key: string; nextAt: number }, never>;

  constructor(database: SqlDatabase) {
    this.reserveStatement = database.prepare(reserve);
    this.pauseStatement = database.prepare(pause);
  }

  async reserve(key: string, now: number, slots: PaceSlots, horizonMs: number): Promise<Reservation> {
    const rows = await this.reserveStatement.commitNow({
      key,
      now,
      interval: slots.intervalMs,
      spread: slots.spreadMs,
      tolerance: tolerance(slots),
      horizon: horizonMs,
    });
    const row = rows[0] as ReserveRow;
    // SQLite returns numbers and 0/1, PostgreSQL int8 as a string and booleans.
    const slot = Number(row.slotAt);
    return row.granted ? { granted: true, postAt: slot } : { granted: false, retryAt: slot - horizonMs };
  }

  async pauseUntil(key: string, until: number, slots: PaceSlots): Promise<void> {
    await this.pauseStatement.commitNow({ key, nextAt: until + tolerance(slots) });
  }
}
