import type { ConversationHistory, HistoryMessage } from "../core/ports/conversation-history.js";
import type { SqlDatabase } from "./sql/database.js";
import { type PreparedStatement, statement } from "./sql/statement.js";

interface HistoryValues {
  kind: string;
  inboxAddress: string;
  contactAddress: string;
  afterId: number;
  limit: number;
}

interface HistoryRow {
  readonly id: number;
  readonly direction: string;
  readonly body: string;
  readonly createdAt: Date | string;
}

/** Replies count once they reached the customer; queued, failed or held ones are not theirs to see yet. */
const reachedCustomer = ["sent", "delivered", "read"];

const history = statement<HistoryValues, HistoryRow>("history_messages_of", ({ db }, p) =>
  db
    .selectFrom("Message")
    .innerJoin("Conversation", "Conversation.id", "Message.conversationId")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .innerJoin("Contact", "Contact.id", "Conversation.contactId")
    .select(["Message.id", "Message.direction", "Message.body", "Message.createdAt"])
    .where("Inbox.kind", "=", p.kind)
    .where("Inbox.address", "=", p.inboxAddress)
    .where("Contact.kind", "=", p.kind)
    .where("Contact.address", "=", p.contactAddress)
    .where("Message.id", ">", p.afterId)
    .where((eb) =>
      eb.or([
        eb("Message.direction", "=", "in"),
        eb.and([eb("Message.direction", "=", "out"), eb("Message.status", "in", reachedCustomer)]),
      ]),
    )
    .orderBy("Message.id")
    .limit(p.limit),
);

const known = statement<{ kind: string; contactAddress: string }, { readonly id: number }>(
  "history_contact_known",
  ({ db }, p) =>
    db
      .selectFrom("Contact")
      .select("Contact.id")
      .where("Contact.kind", "=", p.kind)
      .where("Contact.address", "=", p.contactAddress)
      .limit(1),
);

/** PostgreSQL answers a Date; SQLite the text it stored, ISO with an offset or SQL's `CURRENT_TIMESTAMP` (UTC). */
function dateOf(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value) ? `${value.replace(" ", "T")}Z` : value);
}

/** A customer's conversation read back, on either database. */
export class SqlConversationHistory implements ConversationHistory {
  private readonly historyStatement: PreparedStatement<HistoryValues, HistoryRow>;
  private readonly knownStatement: PreparedStatement<
    { kind: string; contactAddress: string },
    { id: number }
  >;

  constructor(database: SqlDatabase) {
    this.historyStatement = database.prepare(history);
    this.knownStatement = database.prepare(known);
  }

  async messagesOf(
    contact: { kind: string; inboxAddress: string; contactAddress: string },
    afterId: number,
    limit: number,
  ): Promise<readonly HistoryMessage[]> {
    const rows = await this.historyStatement.read({ ...contact, afterId, limit });
    return rows.map((row) => ({
      // PostgreSQL and SQLite agree on int4 ids; dates come as Date (pg) or ISO/epoch text (SQLite).
      id: Number(row.id),
      direction: row.direction === "out" ? "out" : "in",
      text: row.body,
      at: dateOf(row.createdAt),
    }));
  }

  async isKnown(contact: { kind: string; contactAddress: string }): Promise<boolean> {
    return (await this.knownStatement.read(contact)).length > 0;
  }
}
