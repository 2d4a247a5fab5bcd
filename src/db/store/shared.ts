import { sql } from "kysely";
import type { NewJob, QueuedJob } from "../../core/ports/queue.js";
import type { Write } from "../../core/ports/store.js";
import type { SqlDatabase } from "../sql/database.js";
import { type PreparedStatement, type StatementDefinition, statement } from "../sql/statement.js";
import { all, type TransactionBody, type TransactionStep } from "../sql/transaction.js";

/** A row as either driver returns it; src/db/rows.ts maps it to the core's model. */
export type Row = Record<string, unknown>;

/** A step of a transaction body that answers `T`. */
export type Step<T> = Generator<TransactionStep, T, unknown[]>;

/** What the store needs of the delivery queue: jobs inserted in its transactions, announced once committed. */
export interface StoreJobs {
  /** Inserts jobs as a step of the caller's transaction (on PostgreSQL also its NOTIFY); answers them as queued. */
  insertJobs(jobs: readonly NewJob[], now: Date): Step<QueuedJob[]>;
  /** As a step of the caller's transaction, the parked jobs of `lanes` run again; their lanes' pending jobs. */
  releaseLanes(lanes: readonly string[]): Step<QueuedJob[]>;
  /** After the caller's transaction committed: hands the jobs to this process's worker. */
  announce(jobs: readonly QueuedJob[]): void;
}

/** What every area of the store works with. */
export interface StoreParts {
  readonly database: SqlDatabase;
  readonly jobs: StoreJobs;
  /** The lanes of a conversation's jobs (held lanes are released when its inbox is connected). */
  readonly lanesOf: (conversationId: number) => readonly string[];
}

/** A transaction's outcome and the jobs to announce once it has committed. */
export interface Committed<T> {
  readonly outcome: T;
  readonly jobs: readonly QueuedJob[];
}

/** Runs `body` as one transaction and announces its jobs once it has committed. */
export async function commit<T>(parts: StoreParts, body: () => TransactionBody<Committed<T>>): Promise<T> {
  const { outcome, jobs } = await parts.database.transaction(body);
  parts.jobs.announce(jobs);
  return outcome;
}

/** How many of the jobs are posts of customer messages. */
export const customerPosts = (jobs: readonly QueuedJob[]) =>
  jobs.filter((job) => job.kind === "slack.postInbound").length;

type UpdatedTable = "Conversation" | "Message" | "Contact";

/** One definition per table and set of columns, for every store of the process (names are process-wide). */
const updateDefinitions = new Map<string, StatementDefinition<Row, never>>();

/** The update of `key`: its table and changed columns, comma-separated. */
function updateDefinition(key: string): StatementDefinition<Row, never> {
  let definition = updateDefinitions.get(key);
  if (!definition) {
    const [table, ...columns] = key.split(",") as [UpdatedTable, ...string[]];
    definition = statement<Row, never>(`store_update_${updateDefinitions.size + 1}`, ({ db }, p) =>
      db
        .updateTable(table)
        .set(Object.fromEntries([...columns, "updatedAt"].map((column) => [column, p[column]])))
        .where("id", "=", sql<number>`${p.id}`),
    );
    updateDefinitions.set(key, definition);
  }
  return definition;
}

const writeStatements = {
  updateSentPart: statement<{ status: string; messageId: number; index: number }, never>(
    "store_update_sent_part",
    ({ db }, p) =>
      db
        .updateTable("SentPart")
        .set({ status: p.status })
        .where("messageId", "=", p.messageId)
        .where("index", "=", p.index),
  ),
};

/** `UPDATE table SET <changed columns>, updatedAt WHERE id`, compiled once per table and set of columns. */
export class RowUpdates {
  /** By table and columns, as `updateDefinition` keys them. */
  private readonly prepared = new Map<string, PreparedStatement<Row, never>>();
  private readonly updateSentPart;

  constructor(private readonly database: SqlDatabase) {
    this.updateSentPart = database.prepare(writeStatements.updateSentPart);
  }

  /** The statement and values of an update, or null when nothing changes. */
  private bound(table: UpdatedTable, id: number, changes: object, now: Date) {
    const values: Row = { updatedAt: now, id };
    let key: string = table;
    for (const [column, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      values[column] = value;
      key += `,${column}`;
    }
    if (key === table) return null;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      prepared = this.database.prepare(updateDefinition(key));
      this.prepared.set(key, prepared);
    }
    return { prepared, values };
  }

  *update(table: UpdatedTable, id: number, changes: object, now: Date): Step<void> {
    const update = this.bound(table, id, changes, now);
    if (update) yield* all(update.prepared, update.values);
  }

  /** The same, committed on its own at once (outside any transaction of ours). */
  async updateNow(table: UpdatedTable, id: number, changes: object, now: Date): Promise<void> {
    const update = this.bound(table, id, changes, now);
    if (update) await update.prepared.commitNow(update.values);
  }

  /** The changes of a `Write` and its jobs, as a step of the caller's transaction. */
  *apply(jobs: StoreJobs, write: Write, now: Date): Step<QueuedJob[]> {
    for (const [id, changes] of write.conversations ?? [])
      yield* this.update("Conversation", id, changes, now);
    for (const [id, changes] of write.messages ?? []) yield* this.update("Message", id, changes, now);
    for (const [id, profile] of write.contacts ?? []) yield* this.update("Contact", id, profile, now);
    for (const [messageId, index, status] of write.parts ?? []) {
      yield* all(this.updateSentPart, { status, messageId, index });
    }
    return write.jobs?.length ? yield* jobs.insertJobs(write.jobs, now) : [];
  }
}
