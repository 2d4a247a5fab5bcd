import type { DeliveryQueue, Job, NewJob, QueuedJob, QueueStats } from "../../core/ports/queue.js";

interface Row {
  job: QueuedJob;
  state: "pending" | "parked" | "failed";
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: number;
  uncertain: boolean;
}

/**
 * The delivery queue in memory, with the same semantics as the SQLite and PostgreSQL ones (the contract suite
 * holds all of them to it): for the core's unit tests, and nothing durable.
 */
export class MemoryDeliveryQueue implements DeliveryQueue {
  private readonly rows = new Map<number, Row>();
  private readonly listeners: ((jobs: readonly QueuedJob[]) => void)[] = [];
  private nextId = 1;

  /** `isDead`: which owners' processes have ended (nobody's, unless a test says so). */
  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly isDead: (owner: string) => boolean = () => false,
  ) {}

  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void {
    this.listeners.push(listener);
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    const queued = jobs.map((job) => {
      const row: Row = {
        job: { ...job, id: this.nextId++, runAt: job.runAt ?? 0, createdAt: this.clock() } as QueuedJob,
        state: "pending",
        attempts: 0,
        lastError: null,
        leaseOwner: null,
        leaseUntil: 0,
        uncertain: false,
      };
      this.rows.set(row.job.id, row);
      return row.job;
    });
    this.announce(queued);
  }

  async unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]> {
    return this.sorted()
      .filter((row) => row.state === "pending" && this.leaseFree(row, now, null) && this.isHead(row))
      .slice(0, limit)
      .map((row) => row.job);
  }

  async claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null> {
    const row = this.rows.get(id);
    if (row?.state !== "pending" || row.job.runAt > now || !this.leaseFree(row, now, owner)) return null;
    if (!this.isHead(row)) return null;
    row.uncertain = row.uncertain || row.leaseOwner !== null;
    row.leaseOwner = owner;
    row.leaseUntil = leaseUntil;
    row.attempts += 1;
    return this.asJob(row);
  }

  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row?.leaseOwner === owner) row.leaseUntil = leaseUntil;
    }
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    if (this.rows.get(job.id)?.leaseOwner !== owner) return false;
    return this.rows.delete(job.id);
  }

  async retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void> {
    const row = this.held(job, owner);
    if (!row) return;
    Object.assign(row, {
      leaseOwner: null,
      leaseUntil: 0,
      lastError: error,
      uncertain: row.uncertain || uncertain,
    });
    row.job = { ...row.job, runAt };
  }

  async release(job: Job, owner: string): Promise<void> {
    const row = this.held(job, owner);
    if (row) Object.assign(row, { leaseOwner: null, leaseUntil: 0, attempts: row.attempts - 1 });
  }

  async fail(job: Job, owner: string, error: string): Promise<void> {
    const row = this.held(job, owner);
    if (row) Object.assign(row, { leaseOwner: null, leaseUntil: 0, state: "failed", lastError: error });
  }

  async park(job: Job, owner: string, reason: string): Promise<void> {
    const row = this.held(job, owner);
    if (row) Object.assign(row, { leaseOwner: null, leaseUntil: 0, state: "parked", lastError: reason });
  }

  async unpark(jobId: number): Promise<void> {
    const row = this.rows.get(jobId);
    if (row?.state !== "parked") return;
    row.state = "pending";
    this.announce([row.job]);
  }

  async expireLeasesOfDeadOwners(): Promise<number> {
    let count = 0;
    for (const row of this.rows.values()) {
      if (row.leaseOwner && row.leaseUntil > 0 && this.isDead(row.leaseOwner)) {
        row.leaseUntil = 0;
        count += 1;
      }
    }
    return count;
  }

  async stats(now = this.clock().getTime()): Promise<QueueStats> {
    const count = (state: Row["state"]) =>
      [...this.rows.values()].filter((row) => row.state === state).length;
    const scheduled = (row: Row) => row.attempts === 0 && row.job.runAt > now;
    const oldest = this.sorted().find((row) => row.state !== "failed" && !scheduled(row));
    return {
      depth: { pending: count("pending"), parked: count("parked"), failed: count("failed") },
      oldestWaitingAt: oldest?.job.createdAt ?? null,
    };
  }

  private announce(jobs: readonly QueuedJob[]): void {
    if (jobs.length > 0) for (const listener of this.listeners) listener(jobs);
  }

  private sorted(): Row[] {
    return [...this.rows.values()].sort((a, b) => a.job.id - b.job.id);
  }

  private leaseFree(row: Row, now: number, owner: string | null): boolean {
    return row.leaseOwner === null || row.leaseOwner === owner || row.leaseUntil < now;
  }

  /** Nothing earlier in its lane is still to do. */
  private isHead(row: Row): boolean {
    for (const other of this.rows.values()) {
      if (other.job.lane === row.job.lane && other.job.id < row.job.id && other.state !== "failed")
        return false;
    }
    return true;
  }

  private held(job: Job, owner: string): Row | undefined {
    const row = this.rows.get(job.id);
    return row?.leaseOwner === owner ? row : undefined;
  }

  private asJob(row: Row): Job {
    return { ...row.job, attempts: row.attempts, lastError: row.lastError, uncertain: row.uncertain };
  }
}
