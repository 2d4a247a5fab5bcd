import { sql } from "kysely";
import type { ContactKey, Erasure } from "../../core/ports/store.js";
import type { SqlDatabase } from "../sql/database.js";
import { type Prepared, prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";
import { all, first, type TransactionBody } from "../sql/transaction.js";

type Ids = { ids: readonly number[] };
type Post = { channelId: string; ts: string };

const expiredMedia = statement<{ now: Date }, { token: string }>("erase_expired_media", ({ db }, p) =>
  db.deleteFrom("MediaFile").where("expiresAt", "<=", p.now).returning("token"),
);

// Rows another instance's purge holds are passed over, not waited for: it deletes them, this one the next.
const closedBefore = statement<{ closedBefore: Date; limit: number }, { id: number }>(
  "erase_closed_before",
  ({ db, lockedOrSkipped }, p) =>
    lockedOrSkipped(
      db
        .selectFrom("Conversation")
        .select("id")
        .where("status", "=", "closed")
        .where("closedAt", "<", p.closedBefore)
        .orderBy("closedAt")
        .orderBy("id")
        .limit(p.limit),
    ),
);

const contact = statement<ContactKey, { id: number }>("erase_contact", ({ db, locked }, p) =>
  locked(db.selectFrom("Contact").select("id").where("kind", "=", p.kind).where("address", "=", p.address)),
);

const conversationsOf = statement<Ids, { id: number; inboxId: number; slackChannelId: string | null }>(
  "erase_conversations_of",
  ({ db, locked, oneOf }, p) =>
    locked(
      db
        .selectFrom("Conversation")
        .select(["id", "inboxId", "slackChannelId"])
        .where(oneOf(sql.ref("contactId"), p.ids, "integer"))
        .orderBy("id"),
    ),
);

/** The channels the conversations' inboxes are connected to, and those their past threads were in. */
const channels = statement<
  { inboxIds: readonly number[]; ids: readonly number[] },
  { channelId: string | null }
>("erase_channels", ({ db, oneOf }, p) =>
  db
    .selectFrom("Inbox")
    .select("slackChannelId as channelId")
    .where(oneOf(sql.ref("id"), p.inboxIds, "integer"))
    .union(
      db
        .selectFrom("PastThread")
        .select("slackChannelId as channelId")
        .where(oneOf(sql.ref("conversationId"), p.ids, "integer")),
    ),
);

/** The app's own posts that show the customer: parents (current and past) and the posts without an author. */
const posts = statement<Ids, Post>("erase_posts", ({ db, oneOf }, p) =>
  db
    .selectFrom("Conversation")
    .select(["slackChannelId as channelId", "slackThreadTs as ts"])
    .where(oneOf(sql.ref("id"), p.ids, "integer"))
    .where("slackChannelId", "is not", null)
    .where("slackThreadTs", "is not", null)
    .unionAll(
      db
        .selectFrom("PastThread")
        .select(["slackChannelId as channelId", "slackThreadTs as ts"])
        .where(oneOf(sql.ref("conversationId"), p.ids, "integer")),
    )
    .unionAll(
      db
        .selectFrom("Message")
        .select(["slackChannelId as channelId", "slackTs as ts"])
        .where(oneOf(sql.ref("conversationId"), p.ids, "integer"))
        .where("authorSlackUserId", "is", null)
        .where("slackChannelId", "is not", null)
        .where("slackTs", "is not", null),
    )
    .$narrowType<Post>(),
);

const sentParts = statement<Ids, never>("erase_sent_parts", ({ db, oneOf }, p) =>
  db.deleteFrom("SentPart").where("messageId", "in", (eb) =>
    eb
      .selectFrom("Message")
      .select("id")
      .where(oneOf(sql.ref("conversationId"), p.ids, "integer")),
  ),
);

const messages = statement<Ids, { id: number }>("erase_messages", ({ db, oneOf }, p) =>
  db
    .deleteFrom("Message")
    .where(oneOf(sql.ref("conversationId"), p.ids, "integer"))
    .returning("id"),
);

const namedBy = (table: "Nudge" | "PastThread" | "MediaFile" | "FormReply") =>
  statement<Ids, never>(`erase_${table}`, ({ db, oneOf }, p) =>
    db.deleteFrom(table).where(oneOf(sql.ref("conversationId"), p.ids, "integer")),
  );

const scheduled = statement<Ids, { id: number }>("erase_scheduled", ({ db, oneOf }, p) =>
  db
    .deleteFrom("ScheduledMessage")
    .where(oneOf(sql.ref("conversationId"), p.ids, "integer"))
    .returning("id"),
);

// Reminders, nudges and profile look-ups wait on lanes of their own; their payload names the conversation.
// A scheduled message's send names only the message.
const jobs = statement<Ids & { lanes: readonly string[]; scheduledIds: readonly number[] }, never>(
  "erase_jobs",
  ({ db, oneOf, jsonInteger }, p) =>
    db
      .deleteFrom("DeliveryJob")
      .where((eb) =>
        eb.or([
          oneOf(sql.ref("lane"), p.lanes, "text"),
          oneOf(jsonInteger(sql.ref("payload"), "conversationId"), p.ids, "integer"),
          oneOf(jsonInteger(sql.ref("payload"), "scheduledId"), p.scheduledIds, "integer"),
        ]),
      ),
);

/** The contacts' tags and their places in campaigns (a campaign under way must not reach them either). */
const tags = statement<Ids, never>("erase_tags", ({ db, oneOf }, p) =>
  db.deleteFrom("ContactTag").where(oneOf(sql.ref("contactId"), p.ids, "integer")),
);
const recipients = statement<Ids, never>("erase_recipients", ({ db, oneOf }, p) =>
  db.deleteFrom("CampaignRecipient").where(oneOf(sql.ref("contactId"), p.ids, "integer")),
);

const conversations = statement<Ids, { contactId: number }>("erase_conversations", ({ db, oneOf }, p) =>
  db
    .deleteFrom("Conversation")
    .where(oneOf(sql.ref("id"), p.ids, "integer"))
    .returning("contactId"),
);

/** Deletes the contacts no conversation has any more. */
const orphans = statement<Ids, { id: number }>("erase_orphans", ({ db, oneOf }, p) =>
  db
    .deleteFrom("Contact")
    .where(oneOf(sql.ref("Contact.id"), p.ids, "integer"))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom("Conversation as c").select("c.id").whereRef("c.contactId", "=", "Contact.id"),
        ),
      ),
    )
    .returning("Contact.id"),
);

const definitions = {
  expiredMedia,
  closedBefore,
  contact,
  conversationsOf,
  channels,
  posts,
  sentParts,
  messages,
  nudges: namedBy("Nudge"),
  pastThreads: namedBy("PastThread"),
  media: namedBy("MediaFile"),
  formReplies: namedBy("FormReply"),
  scheduled,
  jobs,
  tags,
  recipients,
  conversations,
  orphans,
};

/**
 * Deleting conversations for good (retention, erasure): the conversation and everything that names it, then
 * its contact if no other conversation has them. The rows chosen are locked until the commit (PostgreSQL): a
 * purge skips those another instance holds, an erasure waits for them. SQLite's secure_delete and the index's
 * own secure-delete leave no trace of the text in the file.
 */
export class SqlErasure {
  private readonly statements: Prepared<typeof definitions>;

  constructor(
    private readonly database: SqlDatabase,
    private readonly lanesOf: (conversationId: number) => readonly string[],
  ) {
    this.statements = prepareAll(database, definitions);
  }

  /** Deletes the files past their expiry; how many. */
  deleteExpiredMedia(now: Date): Promise<number> {
    const statement = this.statements.expiredMedia;
    return this.database.transaction(function* () {
      return (yield* all(statement, { now })).length;
    });
  }

  /** Deletes up to `limit` conversations closed before `closedBefore`, oldest first; how many. */
  purgeClosed(closedBefore: Date, limit: number): Promise<number> {
    return this.database.transaction(() => this.purge(closedBefore, limit));
  }

  private *purge(closedBefore: Date, limit: number): TransactionBody<number> {
    const ids = (yield* all(this.statements.closedBefore, { closedBefore, limit })).map((row) =>
      Number(row.id),
    );
    yield* this.deleteConversations(ids);
    return ids.length;
  }

  /** The customers' conversations and contacts, in the caller's transaction: it tells the channels in it. */
  *erase(contacts: readonly ContactKey[]): TransactionBody<Erasure> {
    const s = this.statements;
    const contactIds: number[] = [];
    for (const key of contacts) {
      const found = yield* first(s.contact, { kind: key.kind, address: key.address });
      if (found) contactIds.push(Number(found.id));
    }
    if (contactIds.length === 0)
      return { contacts: 0, conversations: 0, messages: 0, channelIds: [], posts: [] };
    const rows = yield* all(s.conversationsOf, { ids: contactIds });
    const ids = rows.map((row) => Number(row.id));
    const inboxIds = [...new Set(rows.map((row) => Number(row.inboxId)))];
    const channelIds = new Set<string>(
      rows.flatMap((row) => (row.slackChannelId ? [row.slackChannelId] : [])),
    );
    for (const { channelId } of yield* all(s.channels, { inboxIds, ids }))
      if (channelId) channelIds.add(channelId);
    const shown = (yield* all(s.posts, { ids })).map((row) => ({
      channelId: String(row.channelId),
      ts: String(row.ts),
    }));
    const messages = yield* this.deleteConversations(ids);
    // Their conversations are gone, so every contact found is an orphan now.
    yield* this.deleteContacts(contactIds);
    return {
      contacts: contactIds.length,
      conversations: ids.length,
      messages,
      channelIds: [...channelIds],
      posts: shown,
    };
  }

  /** Deletes the conversations and what names them; returns how many messages they had. */
  private *deleteConversations(ids: readonly number[]): TransactionBody<number> {
    if (ids.length === 0) return 0;
    const s = this.statements;
    yield* all(s.sentParts, { ids });
    const messages = (yield* all(s.messages, { ids })).length;
    yield* all(s.nudges, { ids });
    yield* all(s.pastThreads, { ids });
    yield* all(s.media, { ids });
    yield* all(s.formReplies, { ids });
    const scheduledIds = (yield* all(s.scheduled, { ids })).map((row) => Number(row.id));
    yield* all(s.jobs, { ids, lanes: ids.flatMap((id) => this.lanesOf(id)), scheduledIds });
    const deleted = yield* all(s.conversations, { ids });
    yield* this.deleteContacts(deleted.map((row) => Number(row.contactId)));
    return messages;
  }

  /** Deletes the contacts no conversation has any more, with their tags and places in campaigns. */
  private *deleteContacts(ids: readonly number[]): TransactionBody<void> {
    const s = this.statements;
    const gone = (yield* all(s.orphans, { ids })).map((row) => Number(row.id));
    if (gone.length === 0) return;
    yield* all(s.tags, { ids: gone });
    yield* all(s.recipients, { ids: gone });
  }
}
