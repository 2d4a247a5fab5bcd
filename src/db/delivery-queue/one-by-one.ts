import type { SqlDatabase } from "../sql/database.js";
import { first } from "../sql/transaction.js";
import type { JobInsertion } from "./dialect.js";
import type { QueuedRow } from "./rows.js";
import { insertJob } from "./statements.js";

/**
 * Jobs inserted one statement each, in the order given: on SQLite each is a call in process, and the one writer
 * hands a lane's ids out in commit order by itself.
 */
export function insertOneByOne(database: SqlDatabase): JobInsertion {
  const insert = database.prepare(insertJob);
  return {
    *insert(jobs, now) {
      const rows: QueuedRow[] = [];
      for (const job of jobs) {
        const values = {
          lane: job.lane,
          kind: job.kind,
          payload: JSON.stringify(job.payload),
          runAt: job.runAt ?? 0,
          now,
        };
        rows.push((yield* first(insert, values)) as QueuedRow);
      }
      return rows;
    },
  };
}
