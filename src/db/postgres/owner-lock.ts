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
export const unlockedOwnersSql = `SELECT DISTINCT j."leaseOwner" FROM "DeliveryJob" j
  WHERE j."state" = 'pending' AND j."leaseOwner" IS NOT NULL AND j."leaseUntil" > 0
    AND NOT EXISTS (SELECT 1 FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::int::oid AND l.objid = hashtext(j."leaseOwner")::oid)`;
