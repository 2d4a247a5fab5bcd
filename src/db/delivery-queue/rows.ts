import type { Job, QueuedJob } from "../../core/ports/queue.js";
import { dateFrom } from "../rows.js";

/** A job's columns as the queue announces it, as either driver returns them. */
export interface QueuedRow {
  readonly id: number;
  readonly lane: string;
  readonly kind: string;
  readonly payload: string;
  readonly runAt: number | string;
  readonly createdAt: Date | string;
}

/** A job's row as a claim returns it. */
export interface JobRow extends QueuedRow {
  readonly attempts: number;
  readonly lastError: string | null;
  readonly uncertain: boolean | number;
}

/** The columns of a `QueuedRow`. */
export const queuedColumns = ["id", "lane", "kind", "payload", "runAt", "createdAt"] as const;

export const toQueued = (row: QueuedRow): QueuedJob =>
  ({
    id: Number(row.id),
    lane: row.lane,
    kind: row.kind,
    payload: JSON.parse(row.payload),
    runAt: Number(row.runAt),
    createdAt: dateFrom(row.createdAt),
  }) as QueuedJob;

export const toJob = (row: JobRow): Job => ({
  ...toQueued(row),
  attempts: Number(row.attempts),
  lastError: row.lastError,
  uncertain: Boolean(row.uncertain),
});
