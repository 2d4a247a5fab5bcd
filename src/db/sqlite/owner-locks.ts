import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const suffix = ".lock";

/** Opens a lock file; no journal file next to it, as it holds no data, only the lock. */
function openLockFile(file: string, options?: Database.Options): Database.Database {
  const db = new Database(file, options);
  try {
    db.pragma("journal_mode = MEMORY");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Which lease owners on one SQLite database still run (decision 0016). Each process holds an exclusive SQLite
 * lock on a file named after its owner id, `<database>-owners/<owner>.lock`, from its start to its stop: the
 * operating system drops the lock the moment the process ends, however it ends (SIGKILL, OOM, a container whose
 * node is PID 1 again after a restart), and a zombie holds no files. Whoever can take a file's lock knows its
 * owner is gone. They are SQLite's own locks, so they hold wherever the database's locking does.
 */
export class SqliteOwnerLocks {
  private readonly dir: string;
  private held: Database.Database | null = null;

  constructor(databaseFile: string) {
    this.dir = `${databaseFile}-owners`;
  }

  /** Marks `owner` alive until `release` or the end of this process. */
  hold(owner: string): void {
    if (this.held) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const db = openLockFile(path.join(this.dir, `${encodeURIComponent(owner)}${suffix}`));
    db.exec("BEGIN EXCLUSIVE");
    this.held = db;
  }

  /**
   * Finds the owners that have ended and hands each to `takeOver` (which expires its leases) while holding its
   * lock; its file is removed only once `takeOver` has succeeded, so a failed take-over is tried again. Returns
   * the sum of what `takeOver` returned.
   */
  async reapDead(takeOver: (owner: string) => Promise<number>): Promise<number> {
    if (!this.held) return 0;
    const own = path.basename(this.held.name);
    let taken = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith(suffix) || name === own) continue;
      const lock = this.lockIfAbandoned(path.join(this.dir, name));
      if (!lock) continue;
      try {
        taken += await takeOver(decodeURIComponent(name.slice(0, -suffix.length)));
        fs.rmSync(lock.name, { force: true });
      } finally {
        lock.close();
      }
    }
    return taken;
  }

  /** A graceful stop: the owner's leases were given back, so its file goes too. */
  release(): void {
    if (!this.held) return;
    const file = this.held.name;
    this.held.close();
    this.held = null;
    fs.rmSync(file, { force: true });
  }

  /** The file's lock, when nobody else holds it (its owner has ended); null while its owner runs. */
  private lockIfAbandoned(file: string): Database.Database | null {
    let db: Database.Database;
    try {
      db = openLockFile(file, { fileMustExist: true, timeout: 0 });
    } catch {
      return null;
    }
    try {
      db.exec("BEGIN EXCLUSIVE");
      return db;
    } catch {
      db.close();
      return null;
    }
  }
}
