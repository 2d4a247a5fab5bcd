import type { InboundMessage } from "../../core/model.js";
import type { SqlDatabase } from "../sql/database.js";
import { type PreparedStatement, statement } from "../sql/statement.js";
import { first } from "../sql/transaction.js";
import type { Row, Step } from "./shared.js";

/** What an inbound message is decided on, as rows (src/db/rows.ts maps them). */
export interface InboundRows {
  /** The id of the message when it is already recorded; then nothing else is read. */
  readonly duplicate: number | null;
  readonly inbox: Row;
  readonly contact: Row;
  readonly conversation: Row;
  /** Whether this transaction created the conversation. */
  readonly created: boolean;
  /** The team settings of the inbox's channel, if it has any. */
  readonly team: Row | null;
}

/**
 * Reads (and creates what is missing of) an inbound message's inbox, contact and conversation, as a step of the
 * caller's transaction; the conversation stays locked until it commits where the database locks rows. Each
 * database provides its own: a few statements in process on SQLite (`inboundStateInSteps`), one round trip on
 * PostgreSQL (src/db/postgres/inbound-state.ts).
 */
export type InboundStateStep = (inbound: InboundMessage, now: Date) => Step<InboundRows>;

type Key = { kind: string; address: string };
type Created = Key & { now: Date };

export const inboundStatements = {
  messageByProvider: statement<{ kind: string; providerMessageId: string }, Row>(
    "store_message_by_provider",
    ({ db }, p) =>
      db
        .selectFrom("Message")
        .selectAll()
        .where("provider", "=", p.kind)
        .where("providerMessageId", "=", p.providerMessageId),
  ),
  inboxById: statement<{ id: number }, Row>("store_inbox_by_id", ({ db }, p) =>
    db.selectFrom("Inbox").selectAll().where("id", "=", p.id),
  ),
  inbox: statement<Key, Row>("store_inbox", ({ db }, p) =>
    db.selectFrom("Inbox").selectAll().where("kind", "=", p.kind).where("address", "=", p.address),
  ),
  // Another instance may insert the same inbox (or contact, or conversation) at the same moment: its row wins.
  insertInbox: statement<Created, Row>("store_insert_inbox", ({ db }, p) =>
    db
      .insertInto("Inbox")
      .values({ kind: p.kind, address: p.address, createdAt: p.now, updatedAt: p.now })
      .onConflict((conflict) => conflict.columns(["kind", "address"]).doNothing())
      .returningAll(),
  ),
  contact: statement<Key, Row>("store_contact", ({ db }, p) =>
    db.selectFrom("Contact").selectAll().where("kind", "=", p.kind).where("address", "=", p.address),
  ),
  insertContact: statement<Created, Row>("store_insert_contact", ({ db }, p) =>
    db
      .insertInto("Contact")
      .values({ kind: p.kind, address: p.address, createdAt: p.now, updatedAt: p.now })
      .onConflict((conflict) => conflict.columns(["kind", "address"]).doNothing())
      .returningAll(),
  ),
  conversation: statement<{ inboxId: number; contactId: number }, Row>(
    "store_conversation_locked",
    ({ db, locked }, p) =>
      locked(
        db
          .selectFrom("Conversation")
          .selectAll()
          .where("inboxId", "=", p.inboxId)
          .where("contactId", "=", p.contactId),
      ),
  ),
  insertConversation: statement<{ inboxId: number; contactId: number; now: Date }, Row>(
    "store_insert_conversation",
    ({ db }, p) =>
      db
        .insertInto("Conversation")
        .values({ inboxId: p.inboxId, contactId: p.contactId, createdAt: p.now, updatedAt: p.now })
        .onConflict((conflict) => conflict.columns(["inboxId", "contactId"]).doNothing())
        .returningAll(),
  ),
  teamSettings: statement<{ slackChannelId: string }, Row>("store_team_settings", ({ db }, p) =>
    db.selectFrom("TeamSettings").selectAll().where("slackChannelId", "=", p.slackChannelId),
  ),
};

/** Prepares the statements that find or create an inbox, a contact and a conversation. */
export function rowsOfConversations(database: SqlDatabase) {
  const s = {
    inboxById: database.prepare(inboundStatements.inboxById),
    inbox: database.prepare(inboundStatements.inbox),
    insertInbox: database.prepare(inboundStatements.insertInbox),
    contact: database.prepare(inboundStatements.contact),
    insertContact: database.prepare(inboundStatements.insertContact),
    conversation: database.prepare(inboundStatements.conversation),
    insertConversation: database.prepare(inboundStatements.insertConversation),
  };
  /** Found, else inserted, else (inserted by another instance meanwhile) found again. */
  function* findOrInsert<Key>(
    find: PreparedStatement<Key, Row>,
    insert: PreparedStatement<Key & { now: Date }, Row>,
    key: Key,
    now: Date,
  ): Step<{ row: Row; created: boolean }> {
    const found = yield* first(find, key);
    if (found) return { row: found, created: false };
    const inserted = yield* first(insert, { ...key, now });
    if (inserted) return { row: inserted, created: true };
    const raced = yield* first(find, key);
    if (!raced) throw new Error(`a row of ${JSON.stringify(key)} could be neither found nor created`);
    return { row: raced, created: false };
  }
  return {
    ...s,
    inboxOf: (key: Key, now: Date) => findOrInsert(s.inbox, s.insertInbox, key, now),
    contactOf: (key: Key, now: Date) => findOrInsert(s.contact, s.insertContact, key, now),
    conversationOf: (key: { inboxId: number; contactId: number }, now: Date) =>
      findOrInsert(s.conversation, s.insertConversation, key, now),
  };
}

/** The inbound state in a few statements, each a prepared one run in process: SQLite's. */
export function inboundStateInSteps(database: SqlDatabase): InboundStateStep {
  const rows = rowsOfConversations(database);
  const messageByProvider = database.prepare(inboundStatements.messageByProvider);
  const teamSettings = database.prepare(inboundStatements.teamSettings);
  return function* (inbound, now) {
    const known = yield* first(messageByProvider, {
      kind: inbound.kind,
      providerMessageId: inbound.providerMessageId,
    });
    const none: Row = {};
    if (known) {
      return {
        duplicate: Number(known.id),
        inbox: none,
        contact: none,
        conversation: none,
        created: false,
        team: null,
      };
    }
    const inbox = (yield* rows.inboxOf({ kind: inbound.kind, address: inbound.inboxAddress }, now)).row;
    const contact = (yield* rows.contactOf({ kind: inbound.kind, address: inbound.contactAddress }, now)).row;
    const conversation = yield* rows.conversationOf(
      { inboxId: Number(inbox.id), contactId: Number(contact.id) },
      now,
    );
    const channel = inbox.slackChannelId;
    const team =
      typeof channel === "string"
        ? ((yield* first(teamSettings, { slackChannelId: channel })) ?? null)
        : null;
    return {
      duplicate: null,
      inbox,
      contact,
      conversation: conversation.row,
      created: conversation.created,
      team,
    };
  };
}
