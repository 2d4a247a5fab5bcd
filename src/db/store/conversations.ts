import { type Kysely, sql } from "kysely";
import type { ConversationContext, Nudge } from "../../core/model.js";
import type { NewStart, StartDecision, StartOutcome, StartState } from "../../core/ports/store.js";
import type { DB } from "../generated-kysely/types.js";
import { dateFrom, toContact, toConversation, toInbox } from "../rows.js";
import { prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";
import { all, first } from "../sql/transaction.js";
import { rowsOfConversations } from "./inbound-state.js";
import type { Messages } from "./messages.js";
import { commit, type Row, type RowUpdates, type Step, type StoreParts } from "./shared.js";

/** Rolls back a start the core refused, with the contact and conversation it may have inserted to decide. */
class StartRefused {
  constructor(readonly reason: string) {}
}

const inboxColumns = [
  "id",
  "kind",
  "address",
  "slackChannelId",
  "connectedBy",
  "connectedAt",
  "deliveryProblem",
];
const contactColumns = ["id", "kind", "address", "displayName", "avatarUrl"];

/** A conversation with its inbox and contact in one row (theirs as `inbox.*` and `contact.*`): one round trip. */
const withContext = (db: Kysely<DB>) =>
  db
    .selectFrom("Conversation as c")
    .innerJoin("Inbox as i", "i.id", "c.inboxId")
    .innerJoin("Contact as ct", "ct.id", "c.contactId")
    .selectAll("c")
    .select(inboxColumns.map((column) => sql.ref(`i.${column}`).as(`inbox.${column}`)))
    .select(contactColumns.map((column) => sql.ref(`ct.${column}`).as(`contact.${column}`)));

const statements = {
  contextById: statement<{ id: number }, Row>("store_context_by_id", ({ db }, p) =>
    withContext(db).where("c.id", "=", p.id),
  ),
  contextByThread: statement<{ channelId: string; threadTs: string }, Row>(
    "store_context_by_thread",
    ({ db }, p) =>
      withContext(db).where("c.slackChannelId", "=", p.channelId).where("c.slackThreadTs", "=", p.threadTs),
  ),
  contextByPastThread: statement<{ channelId: string; threadTs: string }, Row>(
    "store_context_by_past_thread",
    ({ db }, p) =>
      withContext(db).where("c.id", "in", (eb) =>
        eb
          .selectFrom("PastThread")
          .select("conversationId")
          .where("slackChannelId", "=", p.channelId)
          .where("slackThreadTs", "=", p.threadTs),
      ),
  ),
  // On the ConversationStart (slackUserId, createdAt) index; the table holds about an hour of starts.
  recentStarts: statement<{ userId: string; since: Date }, { count: number | string }>(
    "store_recent_starts",
    ({ db }, p) =>
      db
        .selectFrom("ConversationStart")
        .select((eb) => eb.fn.countAll().as("count"))
        .where("slackUserId", "=", p.userId)
        .where("createdAt", ">", p.since),
  ),
  forgetStarts: statement<{ userId: string; since: Date }, never>("store_forget_starts", ({ db }, p) =>
    db.deleteFrom("ConversationStart").where("slackUserId", "=", p.userId).where("createdAt", "<=", p.since),
  ),
  recordStart: statement<{ userId: string; now: Date }, never>("store_record_start", ({ db }, p) =>
    db.insertInto("ConversationStart").values({ slackUserId: p.userId, createdAt: p.now }),
  ),
  adoptThread: statement<
    { conversationId: number; channelId: string; threadTs: string; now: Date },
    { id: number }
  >("store_adopt_thread", ({ db }, p) =>
    db
      .updateTable("Conversation")
      .set({ slackChannelId: p.channelId, slackThreadTs: p.threadTs, updatedAt: p.now })
      .where("id", "=", p.conversationId)
      .where((eb) =>
        eb.or([eb("slackThreadTs", "is", null), eb("slackChannelId", "is distinct from", p.channelId)]),
      )
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("Inbox as i")
            .select(sql.lit(1).as("one"))
            .whereRef("i.id", "=", "Conversation.inboxId")
            .where("i.slackChannelId", "=", p.channelId),
        ),
      )
      .returning("id"),
  ),
  rememberThread: statement<
    { conversationId: number; channelId: string; threadTs: string; now: Date },
    never
  >("store_remember_thread", ({ db }, p) =>
    db
      .insertInto("PastThread")
      .columns(["slackChannelId", "slackThreadTs", "conversationId", "createdAt"])
      .expression(
        db
          .selectFrom("Conversation")
          .select(["slackChannelId", "slackThreadTs", "id", sql<Date>`${p.now}`.as("createdAt")])
          .where("id", "=", p.conversationId)
          .where("slackChannelId", "=", p.channelId)
          .where("slackThreadTs", "=", p.threadTs),
      )
      .onConflict((conflict) => conflict.doNothing()),
  ),
  forgetThread: statement<
    { conversationId: number; channelId: string; threadTs: string; now: Date },
    { id: number }
  >("store_forget_thread", ({ db }, p) =>
    db
      .updateTable("Conversation")
      .set({ slackChannelId: null, slackThreadTs: null, updatedAt: p.now })
      .where("id", "=", p.conversationId)
      .where("slackChannelId", "=", p.channelId)
      .where("slackThreadTs", "=", p.threadTs)
      .returning("id"),
  ),
  nudges: statement<{ conversationId: number }, Row>("store_conversation_nudges", ({ db }, p) =>
    db.selectFrom("Nudge").selectAll().where("conversationId", "=", p.conversationId).orderBy("postedAt"),
  ),
};

/** The row of `withContext` as the core's context. */
export function toContext(row: Row | undefined): ConversationContext | null {
  if (!row) return null;
  const part = (prefix: string, columns: readonly string[]) =>
    Object.fromEntries(columns.map((column) => [column, row[`${prefix}.${column}`]]));
  return {
    conversation: toConversation(row),
    inbox: toInbox(part("inbox", inboxColumns)),
    contact: toContact(part("contact", contactColumns)),
  };
}

/** A step taking, for a person, the right to count and record their starts (PostgreSQL: a transaction lock). */
export type LockStarts = (userId: string) => Step<void>;

/** Conversations and their Slack threads; agents' starts. */
export class Conversations {
  private readonly s;
  private readonly rows;

  constructor(
    private readonly parts: StoreParts,
    private readonly messages: Messages,
    private readonly updates: RowUpdates,
    private readonly lockStarts: LockStarts,
  ) {
    this.rows = rowsOfConversations(parts.database);
    this.s = prepareAll(parts.database, statements);
  }

  async startConversation(
    start: NewStart,
    decide: (state: StartState) => StartDecision,
  ): Promise<StartOutcome> {
    const { s, rows, messages, updates, lockStarts } = this;
    const queue = this.parts.jobs;
    try {
      return await commit<StartOutcome>(this.parts, function* () {
        const inboxRow = yield* first(rows.inboxById, { id: start.inboxId });
        if (!inboxRow) return { outcome: { result: "refused", reason: "the inbox is gone" }, jobs: [] };
        const inbox = toInbox(inboxRow);
        const now = new Date();
        // Both rows exist (and the conversation is locked) before deciding, so the decision sees what another
        // instance committed meanwhile; a refusal rolls back what this one inserted.
        const contact = yield* rows.contactOf({ kind: inbox.kind, address: start.contactAddress }, now);
        const contactId = Number(contact.row.id);
        const conversation = yield* rows.conversationOf({ inboxId: inbox.id, contactId }, now);
        yield* lockStarts(start.userId);
        const since = start.countStartsSince;
        const recent = yield* first(s.recentStarts, { userId: start.userId, since });
        const decision = decide({
          recentStarts: Number(recent?.count ?? 0),
          inbox,
          contact: contact.created ? null : toContact(contact.row),
          conversation: conversation.created ? null : toConversation(conversation.row),
        });
        if ("refused" in decision) throw new StartRefused(decision.refused);
        const conversationId = Number(conversation.row.id);
        yield* all(s.forgetStarts, { userId: start.userId, since });
        yield* all(s.recordStart, { userId: start.userId, now });
        yield* updates.update("Conversation", conversationId, decision.conversation, now);
        const messageId = Number(
          yield* messages.insert({
            conversationId,
            direction: "out",
            body: start.text,
            attachments: "[]",
            provider: inbox.kind,
            providerMessageId: null,
            slackChannelId: null,
            slackTs: null,
            authorSlackUserId: start.userId,
            status: "pending",
            createdAt: now,
            updatedAt: now,
          }),
        );
        return {
          outcome: { result: "started", conversationId, messageId, created: conversation.created },
          jobs: yield* queue.insertJobs(decision.jobs({ conversationId, messageId }), now),
        };
      });
    } catch (error) {
      if (error instanceof StartRefused) return { result: "refused", reason: error.reason };
      throw error;
    }
  }

  async adoptThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    const adopted = await this.s.adoptThread.commitNow({
      conversationId,
      channelId,
      threadTs,
      now: new Date(),
    });
    return adopted.length > 0;
  }

  async forgetThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    const { s } = this;
    return this.parts.database.transaction(function* () {
      const thread = { conversationId, channelId, threadTs, now: new Date() };
      yield* all(s.rememberThread, thread);
      return (yield* all(s.forgetThread, thread)).length > 0;
    });
  }

  async setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void> {
    const thread = { slackChannelId: channelId, slackThreadTs: threadTs };
    await this.updates.updateNow("Conversation", conversationId, thread, new Date());
  }

  async context(conversationId: number): Promise<ConversationContext | null> {
    return toContext((await this.s.contextById.read({ id: conversationId }))[0]);
  }

  async byThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return toContext((await this.s.contextByThread.read({ channelId, threadTs }))[0]);
  }

  async byPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return toContext((await this.s.contextByPastThread.read({ channelId, threadTs }))[0]);
  }

  async nudges(conversationId: number): Promise<readonly Nudge[]> {
    return (await this.s.nudges.read({ conversationId })).map((row) => ({
      conversationId: Number(row.conversationId),
      unansweredSince: dateFrom(row.unansweredSince),
      assigneeId: row.assigneeId === null ? null : String(row.assigneeId),
      postedAt: dateFrom(row.postedAt),
    }));
  }
}
