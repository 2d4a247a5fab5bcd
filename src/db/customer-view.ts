import type { CustomerView, HistoryMessage, InboxService } from "../core/ports/customer-view.js";
import { dateFrom } from "./rows.js";
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

const history = statement<HistoryValues, HistoryRow>("customer_view_messages", ({ db }, p) =>
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
        eb.and([
          eb("Message.direction", "=", "out"),
          eb.or([
            eb("Message.status", "in", reachedCustomer),
            // Accepted and still being finished: its parts are recorded before the reply's status sums them up.
            eb.and([
              eb("Message.status", "=", "pending"),
              eb.exists(
                eb
                  .selectFrom("SentPart")
                  .select("SentPart.messageId")
                  .whereRef("SentPart.messageId", "=", "Message.id"),
              ),
            ]),
          ]),
        ]),
      ]),
    )
    .orderBy("Message.id")
    .limit(p.limit),
);

interface ServiceRow {
  readonly slackChannelId: string | null;
  readonly hours: string | null;
  readonly awayMessage: string | null;
}

const service = statement<{ kind: string; inboxAddress: string }, ServiceRow>(
  "customer_view_inbox",
  ({ db }, p) =>
    db
      .selectFrom("Inbox")
      .leftJoin("TeamSettings", "TeamSettings.slackChannelId", "Inbox.slackChannelId")
      .select(["Inbox.slackChannelId", "TeamSettings.hours", "TeamSettings.awayMessage"])
      .where("Inbox.kind", "=", p.kind)
      .where("Inbox.address", "=", p.inboxAddress),
);

/** A customer's conversation read back, on either database. */
export class SqlCustomerView implements CustomerView {
  private readonly serviceStatement: PreparedStatement<{ kind: string; inboxAddress: string }, ServiceRow>;
  private readonly historyStatement: PreparedStatement<HistoryValues, HistoryRow>;

  constructor(database: SqlDatabase) {
    this.serviceStatement = database.prepare(service);
    this.historyStatement = database.prepare(history);
  }

  async inboxService(kind: string, inboxAddress: string): Promise<InboxService | null> {
    const [row] = await this.serviceStatement.read({ kind, inboxAddress });
    if (!row) return null;
    return { connected: row.slackChannelId !== null, hours: row.hours, awayMessage: row.awayMessage };
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
      at: dateFrom(row.createdAt),
    }));
  }
}
