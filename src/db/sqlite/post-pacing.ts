import type Database from "better-sqlite3";
import { type PaceSlots, type PostPacing, type Reservation, tolerance } from "../../core/ports/pacing.js";
import type { SqliteConnection } from "./connection.js";

/*
 * `reserveSlot` (src/core/ports/pacing.ts) as one upsert, committed on its own at once (another process may
 * share the file: its write lock serialises the two). Every SET expression reads the row as it was, so the
 * answer written into `slotAt`/`granted` is this call's own.
 */
const slot = `max(@now, "nextAt" - @tolerance)`;
const fits = `${slot} <= @now + @horizon`;
const reserveSql = `INSERT INTO "ChannelPace" ("channelId", "nextAt", "slotAt", "granted")
  VALUES (@key, @now + @spread + @interval, @now, 1)
  ON CONFLICT ("channelId") DO UPDATE SET
    "nextAt" = CASE WHEN ${fits} THEN max("nextAt", ${slot} + @spread) + @interval ELSE "nextAt" END,
    "slotAt" = ${slot},
    "granted" = ${fits}
  RETURNING "slotAt", "granted"`;
const pauseSql = `INSERT INTO "ChannelPace" ("channelId", "nextAt", "slotAt", "granted")
  VALUES (@key, @nextAt, 0, 0)
  ON CONFLICT ("channelId") DO UPDATE SET "nextAt" = max("nextAt", @nextAt)`;

/** Per-channel post slots in the SQLite file: one statement per post. */
export class SqlitePostPacing implements PostPacing {
  private statements: { reserve: Database.Statement; pause: Database.Statement } | null = null;

  constructor(private readonly connection: SqliteConnection) {}

  /** Prepared on first use: the table exists only once the database is migrated. */
  private get prepared(): { reserve: Database.Statement; pause: Database.Statement } {
    this.statements ??= {
      reserve: this.connection.db.prepare(reserveSql),
      pause: this.connection.db.prepare(pauseSql),
    };
    return this.statements;
  }

  async reserve(key: string, now: number, slots: PaceSlots, horizonMs: number): Promise<Reservation> {
    const { reserve } = this.prepared;
    const row = (await this.connection.writeNow(() =>
      reserve.get({
        key,
        now,
        interval: slots.intervalMs,
        spread: slots.spreadMs,
        tolerance: tolerance(slots),
        horizon: horizonMs,
      }),
    )) as { slotAt: number; granted: number };
    return row.granted
      ? { granted: true, postAt: row.slotAt }
      : { granted: false, retryAt: row.slotAt - horizonMs };
  }

  async pauseUntil(key: string, until: number, slots: PaceSlots): Promise<void> {
    const { pause } = this.prepared;
    await this.connection.writeNow(() => pause.run({ key, nextAt: until + tolerance(slots) }));
  }
}
