import pg from "pg";

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
  private client: pg.Client | null = null;
  private locked = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly owner: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Whether the lock is held now: while it is not, PostgreSQL may be restarting, and nobody is judged. */
  get held(): boolean {
    return this.locked;
  }

  async hold(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: "threadline-owner",
    });
    client.on("error", (error) => {
      this.onError(error);
      this.reconnect(client);
    });
    client.on("end", () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [ownerLockClass, this.owner]);
    this.locked = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.locked = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private reconnect(dropped: pg.Client): void {
    if (this.closed || this.client !== dropped || this.retry) return;
    this.client = null;
    this.locked = false;
    dropped.end().catch(() => {});
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed) return;
      this.hold().catch((error: Error) => {
        this.onError(error);
        if (this.client) this.reconnect(this.client);
      });
    }, reconnectMs);
    this.retry.unref();
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
