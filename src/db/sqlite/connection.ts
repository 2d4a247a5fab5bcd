import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Pragmas of the one connection. WAL lets a reader (doctor, a backup) look while we write; NORMAL synchronous
 * is durable with WAL (a power cut can lose the last commits, never corrupt the file) at a fraction of the
 * fsyncs. SQLite leaves foreign keys unenforced unless asked. The busy timeout only matters when another
 * process writes to the file: it makes our writer wait for it rather than fail.
 */
const pragmas = [
  "journal_mode = WAL",
  "synchronous = NORMAL",
  "foreign_keys = ON",
  "busy_timeout = 5000",
  // Deleted rows (a purge, an erased customer) are overwritten with zeros, not left readable in free pages.
  "secure_delete = ON",
];

/** Writes committed together at most: enough to amortise a commit, few enough to answer the first soon. */
const maxGroup = 64;

interface PendingWrite {
  readonly run: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The app's one SQLite connection, shared by the hot path's prepared statements and Prisma Client (through
 * `SqliteDriverAdapter`), so there is one writer and no lock is ever waited for inside the process.
 *
 * Writes are synchronous functions (no await can happen inside them) committed in groups: every write asked
 * for in the same turn of the event loop runs in one transaction, each in its own savepoint so one failure
 * rolls back only its own changes, and each promise settles after the commit: durable before answered.
 * Prisma's interactive transactions are the one place a transaction spans awaits; `exclusive` keeps the
 * group commit out while one is open.
 */
export class SqliteConnection {
  private database: Database.Database | null = null;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly lock = new AsyncLock();

  constructor(readonly filePath: string) {}

  /** Opens the file (creating it and its folder); run migrations first. */
  open(): void {
    if (this.database) return;
    if (this.filePath !== ":memory:") fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
    const db = new Database(this.filePath);
    for (const pragma of pragmas) db.pragma(pragma);
    this.database = db;
  }

  get db(): Database.Database {
    if (!this.database) throw new Error("the database connection is not open yet");
    return this.database;
  }

  /** Runs `work` in the next group commit; resolves with its result once committed. */
  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * Runs `work` in a transaction of its own right now, without waiting for the next group: for a record others
   * may look for the moment it is done (the thread of a parent just posted). Queued when Prisma holds the
   * connection.
   */
  writeNow<T>(work: () => T): Promise<T> {
    if (this.lock.held) return this.write(work);
    try {
      return Promise.resolve(this.db.transaction(work).immediate());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `work` with the connection to itself (no group commit in between), in call order. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.lock.acquire();
    try {
      return await work();
    } finally {
      this.lock.release();
    }
  }

  close(): void {
    this.database?.close();
    this.database = null;
  }

  private async flush(): Promise<void> {
    await this.lock.acquire();
    const group = this.pending.splice(0, maxGroup);
    if (this.pending.length > 0) setImmediate(() => void this.flush());
    else this.flushScheduled = false;
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.db
        .transaction(() => {
          for (const write of group) {
            try {
              results.push({ ok: true, value: this.db.transaction(write.run)() });
            } catch (error) {
              results.push({ ok: false, value: error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const write of group) write.reject(error);
      return;
    } finally {
      this.lock.release();
    }
    group.forEach((write, index) => {
      const result = results[index] as { ok: boolean; value: unknown };
      if (result.ok) write.resolve(result.value);
      else write.reject(result.value);
    });
  }
}

/** A FIFO lock; acquiring a free one resolves without waiting for another turn of the event loop. */
class AsyncLock {
  held = false;
  private readonly waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
