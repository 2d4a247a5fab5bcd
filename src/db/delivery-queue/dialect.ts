import type { NewJob } from "../../core/ports/queue.js";
import type { TransactionStep } from "../sql/transaction.js";
import type { QueuedRow } from "./rows.js";

/*
 * What the delivery queue does its own way on each database, plugged into the one `SqlDeliveryQueue`: how jobs
 * enter a transaction, how a lease owner is known to have ended, and how instances tell each other of jobs.
 */

/** How jobs enter the caller's transaction. */
export interface JobInsertion {
  /** Steps inserting `jobs` (at least one), each lane's in the order given; their rows, in id order. */
  insert(jobs: readonly NewJob[], now: Date): Generator<TransactionStep, QueuedRow[], unknown[]>;
}

/** Which lease owners' processes have ended (decision 0016). */
export interface LeaseOwners {
  /**
   * Hands each owner found ended to `takeOver` (which expires its leases), one at a time; the sum of what it
   * returned. An owner that cannot be judged is left to its lease.
   */
  reapDead(takeOver: (owner: string) => Promise<number>): Promise<number>;
}

/** How instances sharing a database tell each other of jobs: PostgreSQL's LISTEN/NOTIFY. */
export interface JobNotices {
  /**
   * Hands `heard` the ids of jobs other instances made runnable (called once, by the queue); what it rejects
   * with belongs to no request, and is reported as the notices' errors are.
   */
  listen(heard: (ids: readonly number[]) => Promise<void>): void;
  /** Steps telling the other instances of `ids` once the caller's transaction commits (not before). */
  tell(ids: readonly number[]): Generator<TransactionStep, void, unknown[]>;
  /** Tells the other instances of job `id` now, if it is still pending. */
  tellIfPending(id: number): Promise<void>;
}

/** No other owner is ever judged ended: each is left to its lease (one process, or a test of one queue). */
export const ownersLeftToTheirLease: LeaseOwners = { reapDead: async () => 0 };

/** No other instance hears of jobs (SQLite: the processes on one file find each other's work by the sweep). */
export const noNotices: JobNotices = {
  listen: () => {},
  *tell() {},
  tellIfPending: async () => {},
};
