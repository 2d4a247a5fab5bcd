import { sql } from "kysely";
import type { ChannelKind, Message, SentPart } from "../../core/model.js";
import { toMessage, toSentPart } from "../rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { statement } from "../sql/statement.js";
import { first } from "../sql/transaction.js";
import { inboundStatements } from "./inbound-state.js";
import type { Row, Step } from "./shared.js";

/** A message as inserted: every column the store writes. */
export interface NewMessageRow {
  conversationId: number;
  direction: "in" | "out";
  body: string;
  attachments: string;
  provider: string;
  providerMessageId: string | null;
  slackChannelId: string | null;
  slackTs: string | null;
  authorSlackUserId: string | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

type ProviderId = { kind: string; providerMessageId: string };

export const messageStatements = {
  // A message another instance recorded first (same provider id, same Slack ts) is not inserted again.
  insert: statement<NewMessageRow, { id: number }>("store_insert_message", ({ db }, p) =>
    db
      .insertInto("Message")
      .values({
        conversationId: p.conversationId,
        direction: p.direction,
        body: p.body,
        attachments: p.attachments,
        provider: p.provider,
        providerMessageId: p.providerMessageId,
        slackChannelId: p.slackChannelId,
        slackTs: p.slackTs,
        authorSlackUserId: p.authorSlackUserId,
        status: p.status,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returning("id"),
  ),
  byId: statement<{ id: number }, Row>("store_message", ({ db }, p) =>
    db.selectFrom("Message").selectAll().where("id", "=", p.id),
  ),
  bySlackTs: statement<{ channelId: string; ts: string }, Row>("store_message_by_slack_ts", ({ db }, p) =>
    db
      .selectFrom("Message")
      .selectAll()
      .where("slackChannelId", "=", p.channelId)
      .where("slackTs", "=", p.ts),
  ),
  ofConversation: statement<{ conversationId: number }, Row>("store_conversation_messages", ({ db }, p) =>
    db.selectFrom("Message").selectAll().where("conversationId", "=", p.conversationId).orderBy("id"),
  ),
  // An outbound message by its own provider id or one of its parts', locked: reports of it are decided in turn.
  // All of a report's messages in one statement, locked in id order: two reports naming the same messages in
  // different orders, on two instances, wait for each other instead of deadlocking.
  reportedByIds: statement<{ kind: string; providerMessageIds: readonly string[] }, Row>(
    "store_reported_by_ids",
    ({ db, locked, oneOf }, p) =>
      locked(
        db
          .selectFrom("Message")
          .selectAll()
          .where("direction", "=", sql.lit("out"))
          .where("id", "in", (eb) =>
            eb
              .selectFrom("Message")
              .select("id")
              .where("provider", "=", p.kind)
              .where(oneOf(sql.ref("providerMessageId"), p.providerMessageIds, "text"))
              .union(
                eb
                  .selectFrom("SentPart")
                  .select("messageId as id")
                  .where("provider", "=", p.kind)
                  .where(oneOf(sql.ref("providerMessageId"), p.providerMessageIds, "text")),
              ),
          )
          .orderBy("id"),
      ),
  ),
  reportedUpTo: statement<{ kind: string; inbox: string; contact: string; upTo: Date }, Row>(
    "store_reported_up_to",
    // Only the messages are read FROM, so only they are locked.
    ({ db, locked }, p) =>
      locked(
        db
          .selectFrom("Message")
          .selectAll()
          .where("conversationId", "in", (eb) =>
            eb
              .selectFrom("Conversation as c")
              .innerJoin("Inbox as i", "i.id", "c.inboxId")
              .innerJoin("Contact as ct", "ct.id", "c.contactId")
              .select("c.id")
              .where("i.kind", "=", p.kind)
              .where("i.address", "=", p.inbox)
              .where("ct.kind", "=", p.kind)
              .where("ct.address", "=", p.contact),
          )
          .where("direction", "=", sql.lit("out"))
          .where("createdAt", "<=", p.upTo)
          .orderBy("id"),
      ),
  ),
  sentParts: statement<{ messageId: number }, Row>("store_sent_parts", ({ db }, p) =>
    db.selectFrom("SentPart").selectAll().where("messageId", "=", p.messageId).orderBy("index"),
  ),
  partByProvider: statement<ProviderId, { messageId: number }>("store_part_by_provider", ({ db }, p) =>
    db
      .selectFrom("SentPart")
      .select("messageId")
      .where("provider", "=", p.kind)
      .where("providerMessageId", "=", p.providerMessageId),
  ),
  // The provider is the message's; a part already recorded (by index or by id) stays as it was.
  insertSentPart: statement<
    { messageId: number; index: number; providerMessageId: string; status: string; at: Date },
    never
  >("store_insert_sent_part", ({ db }, p) =>
    db
      .insertInto("SentPart")
      .columns(["messageId", "index", "provider", "providerMessageId", "status", "createdAt"])
      .expression(
        db
          .selectFrom("Message")
          .select([
            "id",
            sql<number>`${p.index}`.as("index"),
            "provider",
            sql<string>`${p.providerMessageId}`.as("providerMessageId"),
            sql<string>`${p.status}`.as("status"),
            sql<Date>`${p.at}`.as("createdAt"),
          ])
          .where("id", "=", p.messageId),
      )
      .onConflict((conflict) => conflict.doNothing()),
  ),
};

/** Messages and their sent parts, read and written. */
export class Messages {
  readonly statements;

  constructor(database: SqlDatabase) {
    const s = messageStatements;
    this.statements = {
      insert: database.prepare(s.insert),
      byId: database.prepare(s.byId),
      byProvider: database.prepare(inboundStatements.messageByProvider),
      bySlackTs: database.prepare(s.bySlackTs),
      ofConversation: database.prepare(s.ofConversation),
      reportedByIds: database.prepare(s.reportedByIds),
      reportedUpTo: database.prepare(s.reportedUpTo),
      sentParts: database.prepare(s.sentParts),
      partByProvider: database.prepare(s.partByProvider),
      insertSentPart: database.prepare(s.insertSentPart),
    };
  }

  /** Inserts a message; its id, or null when an equal one (same provider id, same Slack ts) exists. */
  *insert(message: NewMessageRow): Step<number | null> {
    const row = yield* first(this.statements.insert, message);
    return row ? Number(row.id) : null;
  }

  async message(id: number): Promise<Message | null> {
    const [row] = await this.statements.byId.read({ id });
    return row ? toMessage(row) : null;
  }

  async byProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null> {
    const [row] = await this.statements.byProvider.read({ kind, providerMessageId });
    return row ? toMessage(row) : null;
  }

  async bySlackTs(channelId: string, ts: string): Promise<Message | null> {
    const [row] = await this.statements.bySlackTs.read({ channelId, ts });
    return row ? toMessage(row) : null;
  }

  async ofConversation(conversationId: number): Promise<readonly Message[]> {
    return (await this.statements.ofConversation.read({ conversationId })).map(toMessage);
  }

  async sentParts(messageId: number): Promise<readonly SentPart[]> {
    return (await this.statements.sentParts.read({ messageId })).map(toSentPart);
  }

  async recordSentPart(messageId: number, part: Omit<SentPart, "messageId">): Promise<void> {
    await this.statements.insertSentPart.commitNow({
      messageId,
      index: part.index,
      providerMessageId: part.providerMessageId,
      status: part.status,
      at: new Date(),
    });
  }

  async partsOfOtherMessages(
    kind: ChannelKind,
    providerMessageIds: readonly string[],
    messageId: number,
  ): Promise<ReadonlySet<string>> {
    const others = new Set<string>();
    for (const providerMessageId of providerMessageIds) {
      const [part] = await this.statements.partByProvider.read({ kind, providerMessageId });
      if (part && Number(part.messageId) !== messageId) others.add(providerMessageId);
    }
    return others;
  }
}
