import type { NewJob, QueuedJob } from "../../core/ports/queue.js";
import type { SqlDeliveryQueue } from "../delivery-queue/queue.js";
import type { SqliteSql } from "./sql.js";

/**
 * The old SQLite conversation store's view of the queue: its writes are plain synchronous functions inside a
 * connection write, not transaction generators. Goes with that store when the store written once replaces it.
 */
export class SqliteStoreQueue {
  constructor(
    private readonly sql: SqliteSql,
    private readonly queue: SqlDeliveryQueue,
  ) {}

  /** Inside a connection write: inserts jobs; `announce` them once it has committed. */
  insert(jobs: readonly NewJob[], now = new Date()): QueuedJob[] {
    return this.sql.runSteps(this.queue.insertJobs(jobs, now));
  }

  /** Inside a connection write: the lanes' parked jobs run again; their lanes' jobs, to announce. */
  releaseLanes(lanes: readonly string[]): QueuedJob[] {
    return this.sql.runSteps(this.queue.releaseLanes(lanes));
  }

  announce(jobs: readonly QueuedJob[]): void {
    this.queue.announce(jobs);
  }
}
