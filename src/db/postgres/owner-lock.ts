import { type Compilable, sql } from "kysely";
import type { LeaseOwners } from "../delivery-queue/dialect.js";
import type { SqlDatabase } from "../sql/database.js";
import { type PreparedStatement, statement } from "../sql/statement.js";
import { DedicatedConnection } from "./dedicated-connection.js";

/**
 * The first key of every owner's advisory lock (the second is a hash of the owner id): a fixed number, unlikely to
 * be another application's on a shared server ("TLOW" as bytes). Two-key locks are apart from the one-key locks
 * of migrations and lanes.
 */
export const ownerLockClass = 0x544c_4f57;

/** Soon after a drop: while the lock is not held, the other instances may judge this one dead. */
const reconnectMs = 1_000;

/**
 * This instance's session-level advisory lock on a connection of its own (decision 0016): PostgreSQL holds it
 * while the session lives and drops it when the process dies and its socket closes, so another instance that
 * finds it free in `pg_locks` knows this one is gone. A dropped connection is reopened and the lock taken again.
 */
export class PgOwnerLock {
  private locked = false;
  private readonly connection: DedicatedConnection;

  constructor(databaseUrl: string, owner: string, onError: (error: Error) => void) {
    this.connection = new DedicatedConnection({
      databaseUrl,
      applicationName: "threadline-owner",
      setUp: async (client) => {
        await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [ownerLockClass, owner]);
        this.locked = true;
      },
      reopenDelayMs: () => reconnectMs,
      onDrop: () => {
        this.locked = false;
      },
      onError,
    });
  }

  /** Whether the lock is held now: while it is not, PostgreSQL may be restarting, and nobody is judged. */
  get held(): boolean {
    return this.locked;
  }

  hold(): Promise<void> {
    return this.connection.open();
  }

  async close(): Promise<void> {
    this.locked = false;
    await this.connection.close();
  }
}

/**
 * Lease owners (of jobs whose lease has not been expired yet) whose lock nobody holds in this database. The
 * hash is cast to `oid` as `pg_locks` shows the key's halves.
 */
const unlockedOwners = statement<{ lockClass: number }, { leaseOwner: string }>(
  "queue_unlocked_owners",
  ({ db }, p) =>
    db
      .selectFrom("DeliveryJob as j")
      .select("j.leaseOwner as leaseOwner")
      .distinct()
      .where("j.state", "=", sql.lit("pending"))
      .where("j.leaseOwner", "is not", null)
      .where("j.leaseUntil", ">", sql.lit(0))
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid = ${p.lockClass}::int::oid AND l.objid = hashtext(j."leaseOwner")::oid)`,
      ) as unknown as Compilable<{ leaseOwner: string }>,
);

/**
 * Which lease owners have ended, on PostgreSQL (src/db/delivery-queue/dialect.ts): this instance holds its own
 * owner lock, and an owner is dead when its lock is found free on two checks in a row, `deadAfterMs` apart at
 * least: after a dropped connection or a PostgreSQL restart, every instance takes its lock again within about a
 * second, and is not judged in the meantime. Nobody is judged while this instance's own lock is not held (its
 * connection is down, perhaps the server's too).
 */
export class PgLeaseOwners implements LeaseOwners {
  private readonly lock: PgOwnerLock;
  private readonly unlocked: PreparedStatement<{ lockClass: number }, { leaseOwner: string }>;
  /** Owners whose lock was free at the last check, and since when it has been seen free. */
  private unlockedSince = new Map<string, number>();

  /**
   * `deadAfterMs` (1.5 s): longer than a live instance takes to lock again after its connection dropped.
   */
  constructor(
    database: SqlDatabase,
    databaseUrl: string,
    owner: string,
    onError: (error: Error) => void,
    private readonly deadAfterMs = 1_500,
  ) {
    this.lock = new PgOwnerLock(databaseUrl, owner, onError);
    this.unlocked = database.prepare(unlockedOwners);
  }

  /** Marks this instance alive: before its worker takes a lease. */
  hold(): Promise<void> {
    return this.lock.hold();
  }

  close(): Promise<void> {
    return this.lock.close();
  }

  async reapDead(takeOver: (owner: string) => Promise<number>): Promise<number> {
    if (!this.lock.held) return 0;
    const rows = await this.unlocked.read({ lockClass: ownerLockClass });
    const now = Date.now();
    const before = this.unlockedSince;
    this.unlockedSince = new Map(rows.map(({ leaseOwner }) => [leaseOwner, before.get(leaseOwner) ?? now]));
    let taken = 0;
    for (const [owner, first] of this.unlockedSince) {
      if (before.has(owner) && now - first >= this.deadAfterMs) taken += await takeOver(owner);
    }
    return taken;
  }
}
