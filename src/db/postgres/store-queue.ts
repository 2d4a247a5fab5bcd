import type pg from "pg";
import type { NewJob, QueuedJob } from "../../core/ports/queue.js";
import type { SqlDeliveryQueue } from "../delivery-queue/queue.js";
import { runSteps } from "./sql.js";

/**
 * The old PostgreSQL conversation store's view of the queue: its transactions run on a client of their own, not
 * as transaction generators. Goes with that store when the store written once replaces it.
 */
export class PgStoreQueue {
  constructor(private readonly queue: SqlDeliveryQueue) {}

  /** Inserts jobs in the caller's transaction; `announce` them once it has committed. */
  insert(client: pg.ClientBase, jobs: readonly NewJob[], now = new Date()): Promise<QueuedJob[]> {
    return runSteps(client, this.queue.insertJobs(jobs, now));
  }

  /** In the caller's transaction: the lanes' parked jobs run again, told to the other instances on commit. */
  releaseLanes(client: pg.ClientBase, lanes: readonly string[]): Promise<QueuedJob[]> {
    return runSteps(client, this.queue.releaseLanes(lanes));
  }

  announce(jobs: readonly QueuedJob[]): void {
    this.queue.announce(jobs);
  }
}
