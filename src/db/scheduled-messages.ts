import type { NewJob } from "../core/ports/queue.js";
import type {
  NewScheduledMessage,
  ScheduledMessage,
  ScheduledMessageStore,
  ScheduledState,
} from "../core/ports/scheduled-messages.js";
import { dateFrom } from "./rows.js";
import type { SqlDatabase } from "./sql/database.js";
import { type PreparedStatement, statement } from "./sql/statement.js";
import { all, first } from "./sql/transaction.js";
import type { StoreJobs } from "./store/shared.js";

interface Row {
  id: number | string;
  conversationId: number | string;
  slackChannelId: string;
  slackTs: string;
  threadTs: string;
  authorId: string;
  body: string;
  sendAt: Date | string;
  state: string;
  cancelledBy: string | null;
  noticeTs: string | null;
  createdAt: Date | string;
}

const columns = [
  "id",
  "conversationId",
  "slackChannelId",
  "slackTs",
  "threadTs",
  "authorId",
  "body",
  "sendAt",
  "state",
  "cancelledBy",
  "noticeTs",
  "createdAt",
] as const;

const insert = statement<NewScheduledMessage, Row>("scheduled_insert", ({ db }, p) =>
  db
    .insertInto("ScheduledMessage")
    .values({
      conversationId: p.conversationId,
      slackChannelId: p.slackChannelId,
      slackTs: p.slackTs,
      threadTs: p.threadTs,
      authorId: p.authorId,
      body: p.body,
      sendAt: p.sendAt,
      createdAt: p.createdAt,
    })
    .onConflict((conflict) => conflict.columns(["slackChannelId", "slackTs"]).doNothing())
    .returning(columns),
);

const byId = statement<{ id: number }, Row>("scheduled_by_id", ({ db }, p) =>
  db.selectFrom("ScheduledMessage").select(columns).where("id", "=", p.id),
);

const notice = statement<{ id: number; noticeTs: string }, never>("scheduled_notice", ({ db }, p) =>
  db.updateTable("ScheduledMessage").set({ noticeTs: p.noticeTs }).where("id", "=", p.id),
);

const settleIfScheduled = statement<{ id: number; state: string; by: string | null }, { id: number }>(
  "scheduled_settle",
  ({ db }, p) =>
    db
      .updateTable("ScheduledMessage")
      .set({ state: p.state, cancelledBy: p.by })
      .where("id", "=", p.id)
      .where("state", "=", "scheduled")
      .returning(["id"]),
);

const pending = statement<{ authorId: string }, Row>("scheduled_pending_by", ({ db }, p) =>
  db
    .selectFrom("ScheduledMessage")
    .select(columns)
    .where("authorId", "=", p.authorId)
    .where("state", "=", "scheduled")
    .orderBy("sendAt")
    .orderBy("id"),
);

const toMessage = (row: Row): ScheduledMessage => ({
  id: Number(row.id),
  conversationId: Number(row.conversationId),
  slackChannelId: row.slackChannelId,
  slackTs: row.slackTs,
  threadTs: row.threadTs,
  authorId: row.authorId,
  body: row.body,
  sendAt: dateFrom(row.sendAt),
  state: row.state as ScheduledState,
  cancelledBy: row.cancelledBy,
  noticeTs: row.noticeTs,
  createdAt: dateFrom(row.createdAt),
});

/** Scheduled messages in the database, written once for SQLite and PostgreSQL. */
export class SqlScheduledMessages implements ScheduledMessageStore {
  private readonly insertStatement: PreparedStatement<NewScheduledMessage, Row>;
  private readonly byIdStatement: PreparedStatement<{ id: number }, Row>;
  private readonly noticeStatement: PreparedStatement<{ id: number; noticeTs: string }, never>;
  private readonly settleStatement: PreparedStatement<
    { id: number; state: string; by: string | null },
    { id: number }
  >;
  private readonly pendingStatement: PreparedStatement<{ authorId: string }, Row>;

  constructor(
    private readonly database: SqlDatabase,
    private readonly queue: Pick<StoreJobs, "insertJobs" | "announce">,
  ) {
    this.insertStatement = database.prepare(insert);
    this.byIdStatement = database.prepare(byId);
    this.noticeStatement = database.prepare(notice);
    this.settleStatement = database.prepare(settleIfScheduled);
    this.pendingStatement = database.prepare(pending);
  }

  async add(
    message: NewScheduledMessage,
    jobs: (added: ScheduledMessage) => readonly NewJob[],
  ): Promise<ScheduledMessage | null> {
    const { insertStatement, queue } = this;
    // One commit: a row without its send job would show on App Home and never be sent.
    const { added, queued } = await this.database.transaction(function* () {
      const [row] = yield* all(insertStatement, message);
      if (!row) return { added: null, queued: [] };
      const added = toMessage(row);
      return { added, queued: yield* queue.insertJobs(jobs(added), added.createdAt) };
    });
    queue.announce(queued);
    return added;
  }

  async get(id: number): Promise<ScheduledMessage | null> {
    const [row] = await this.byIdStatement.read({ id });
    return row ? toMessage(row) : null;
  }

  async setNotice(id: number, noticeTs: string): Promise<void> {
    await this.noticeStatement.commitNow({ id, noticeTs });
  }

  settle(
    id: number,
    state: "sent" | "cancelled",
    by: string | null,
  ): Promise<{ changed: boolean; message: ScheduledMessage } | null> {
    const { settleStatement, byIdStatement } = this;
    // The conditional update decides who wins (a send and a cancel racing); the read after it shows the result.
    return this.database.transaction(function* () {
      const changed = yield* all(settleStatement, { id, state, by });
      const row = yield* first(byIdStatement, { id });
      return row ? { changed: changed.length > 0, message: toMessage(row) } : null;
    });
  }

  async pendingBy(authorId: string): Promise<readonly ScheduledMessage[]> {
    return (await this.pendingStatement.read({ authorId })).map(toMessage);
  }
}
