import { sql } from "kysely";
import type { ContactTags } from "../core/ports/campaigns.js";
import type { SqlDatabase } from "./sql/database.js";
import { type PreparedStatement, statement } from "./sql/statement.js";
import { all } from "./sql/transaction.js";

interface TagValues {
  contactId: number;
  tag: string;
}

const addTag = statement<TagValues & { userId: string; now: Date }, never>("tag_add", ({ db }, p) =>
  db
    .insertInto("ContactTag")
    .values({ contactId: p.contactId, tag: p.tag, createdBy: p.userId, createdAt: p.now })
    .onConflict((conflict) => conflict.columns(["contactId", "tag"]).doNothing()),
);

const removeTag = statement<TagValues, never>("tag_remove", ({ db }, p) =>
  db.deleteFrom("ContactTag").where("contactId", "=", p.contactId).where("tag", "=", p.tag),
);

const tagsOf = statement<{ contactId: number }, { tag: string }>("tag_list", ({ db }, p) =>
  db.selectFrom("ContactTag").select("tag").where("contactId", "=", p.contactId).orderBy(sql`tag`),
);

interface ChannelConversation {
  conversationId: number;
  contactId: number;
}

const inChannel = statement<{ channelId: string; address: string }, ChannelConversation>(
  "tag_conversations_in_channel",
  ({ db }, p) =>
    db
      .selectFrom("Conversation")
      .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
      .innerJoin("Contact", "Contact.id", "Conversation.contactId")
      .select(["Conversation.id as conversationId", "Contact.id as contactId"])
      .where("Inbox.slackChannelId", "=", p.channelId)
      .where("Contact.address", "=", p.address)
      .orderBy("Conversation.id"),
);

/** Contact tags in the database, written once for SQLite and PostgreSQL. */
export class SqlContactTags implements ContactTags {
  private readonly add: PreparedStatement<TagValues & { userId: string; now: Date }, never>;
  private readonly remove: PreparedStatement<TagValues, never>;
  private readonly list: PreparedStatement<{ contactId: number }, { tag: string }>;
  private readonly inChannel: PreparedStatement<{ channelId: string; address: string }, ChannelConversation>;

  constructor(private readonly database: SqlDatabase) {
    this.add = database.prepare(addTag);
    this.remove = database.prepare(removeTag);
    this.list = database.prepare(tagsOf);
    this.inChannel = database.prepare(inChannel);
  }

  tag(contactId: number, tags: readonly string[], userId: string, now: number): Promise<readonly string[]> {
    const { add, list } = this;
    return this.database.transaction(function* () {
      for (const tag of tags) yield* all(add, { contactId, tag, userId, now: new Date(now) });
      return (yield* all(list, { contactId })).map((row) => row.tag);
    });
  }

  untag(contactId: number, tags: readonly string[]): Promise<readonly string[]> {
    const { remove, list } = this;
    return this.database.transaction(function* () {
      for (const tag of tags) yield* all(remove, { contactId, tag });
      return (yield* all(list, { contactId })).map((row) => row.tag);
    });
  }

  async tagsOf(contactId: number): Promise<readonly string[]> {
    return (await this.list.read({ contactId })).map((row) => row.tag);
  }

  async conversationsInChannel(
    slackChannelId: string,
    address: string,
  ): Promise<readonly ChannelConversation[]> {
    const rows = await this.inChannel.read({ channelId: slackChannelId, address });
    return rows.map((row) => ({
      conversationId: Number(row.conversationId),
      contactId: Number(row.contactId),
    }));
  }
}
