import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { MediaContent } from "../../core/model.js";
import type { NewJob } from "../../core/ports/queue.js";
import type { ContactKey, Erasure } from "../../core/ports/store.js";
import { dateFrom } from "../rows.js";
import { statement } from "../sql/statement.js";
import { all, first } from "../sql/transaction.js";
import { commit, prepareAll, type Step, type StoreParts } from "./shared.js";

type Post = { channelId: string; ts: string };
type ById = { id: number };

const statements = {
  saveMedia: statement<
    {
      token: string;
      contentType: string;
      filename: string;
      bytes: Buffer;
      expiresAt: Date;
      conversationId: number | null;
    },
    never
  >("store_save_media", ({ db }, p) =>
    db.insertInto("MediaFile").values({
      token: p.token,
      contentType: p.contentType,
      filename: p.filename,
      bytes: p.bytes,
      expiresAt: p.expiresAt,
      conversationId: p.conversationId,
    }),
  ),
  media: statement<
    { token: string },
    { bytes: Uint8Array; contentType: string; filename: string; expiresAt: unknown }
  >("store_media", ({ db }, p) =>
    db
      .selectFrom("MediaFile")
      .select(["bytes", "contentType", "filename", "expiresAt"])
      .where("token", "=", p.token),
  ),
  expiredMedia: statement<{ now: Date }, { token: string }>("store_delete_expired_media", ({ db }, p) =>
    db.deleteFrom("MediaFile").where("expiresAt", "<=", p.now).returning("token"),
  ),
  // Locked as chosen: another instance sweeping at once waits, then finds them gone.
  closedBefore: statement<{ closedBefore: Date; limit: number }, ById>(
    "store_closed_before",
    ({ db, locked }, p) =>
      locked(
        db
          .selectFrom("Conversation")
          .select("id")
          .where("status", "=", sql.lit("closed"))
          .where("closedAt", "<", p.closedBefore)
          .orderBy("closedAt")
          .orderBy("id")
          .limit(p.limit),
      ),
  ),
  contact: statement<ContactKey, ById>("store_erase_contact", ({ db, locked }, p) =>
    locked(db.selectFrom("Contact").select("id").where("kind", "=", p.kind).where("address", "=", p.address)),
  ),
  ofContact: statement<{ contactId: number }, ById>("store_erase_conversations", ({ db, locked }, p) =>
    locked(db.selectFrom("Conversation").select("id").where("contactId", "=", p.contactId).orderBy("id")),
  ),
  // Every channel that shows the conversation: its inbox's, its thread's and its past threads'.
  channels: statement<ById, { channelId: string | null }>("store_erase_channels", ({ db }, p) =>
    db
      .selectFrom("Conversation as c")
      .innerJoin("Inbox as i", "i.id", "c.inboxId")
      .select("i.slackChannelId as channelId")
      .where("c.id", "=", p.id)
      .unionAll(db.selectFrom("Conversation").select("slackChannelId as channelId").where("id", "=", p.id))
      .unionAll(
        db.selectFrom("PastThread").select("slackChannelId as channelId").where("conversationId", "=", p.id),
      ),
  ),
  // The app's own posts that show the customer: parents (current and past) and the posts without an author.
  posts: statement<ById, Post>("store_erase_posts", ({ db }, p) =>
    db
      .selectFrom("Conversation")
      .select(["slackChannelId as channelId", "slackThreadTs as ts"])
      .where("id", "=", p.id)
      .where("slackChannelId", "is not", null)
      .where("slackThreadTs", "is not", null)
      .unionAll(
        db
          .selectFrom("PastThread")
          .select(["slackChannelId as channelId", "slackThreadTs as ts"])
          .where("conversationId", "=", p.id),
      )
      .unionAll(
        db
          .selectFrom("Message")
          .select(["slackChannelId as channelId", "slackTs as ts"])
          .where("conversationId", "=", p.id)
          .where("authorSlackUserId", "is", null)
          .where("slackChannelId", "is not", null)
          .where("slackTs", "is not", null),
      )
      .$narrowType<Post>(),
  ),
  sentParts: statement<ById, never>("store_erase_sent_parts", ({ db }, p) =>
    db
      .deleteFrom("SentPart")
      .where("messageId", "in", (eb) =>
        eb.selectFrom("Message").select("id").where("conversationId", "=", p.id),
      ),
  ),
  messages: statement<ById, ById>("store_erase_messages", ({ db }, p) =>
    db.deleteFrom("Message").where("conversationId", "=", p.id).returning("id"),
  ),
  nudges: statement<ById, never>("store_erase_nudges", ({ db }, p) =>
    db.deleteFrom("Nudge").where("conversationId", "=", p.id),
  ),
  pastThreads: statement<ById, never>("store_erase_past_threads", ({ db }, p) =>
    db.deleteFrom("PastThread").where("conversationId", "=", p.id),
  ),
  conversationMedia: statement<ById, never>("store_erase_media", ({ db }, p) =>
    db.deleteFrom("MediaFile").where("conversationId", "=", p.id),
  ),
  laneJobs: statement<{ lane: string }, never>("store_erase_lane_jobs", ({ db }, p) =>
    db.deleteFrom("DeliveryJob").where("lane", "=", p.lane),
  ),
  // Reminders, nudges and profile look-ups wait on lanes of their own; their payload names the conversation.
  namingJobs: statement<{ id: string }, never>("store_erase_naming_jobs", ({ db, jsonText }, p) =>
    db.deleteFrom("DeliveryJob").where(jsonText(sql.ref("payload"), "conversationId"), "=", p.id),
  ),
  conversation: statement<ById, { contactId: number }>("store_erase_conversation", ({ db }, p) =>
    db.deleteFrom("Conversation").where("id", "=", p.id).returning("contactId"),
  ),
  orphan: statement<{ contactId: number }, never>("store_erase_orphan", ({ db }, p) =>
    db
      .deleteFrom("Contact")
      .where("id", "=", p.contactId)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("Conversation").select("id").where("contactId", "=", p.contactId))),
      ),
  ),
};

/**
 * Files, and deleting conversations for good (retention, erasure): the conversation and everything that names
 * it, then its contact if no other conversation has them, in one transaction. SQLite's secure_delete and the
 * index's own secure-delete leave no trace of the text in the file.
 */
export class Retention {
  private readonly s;

  constructor(private readonly parts: StoreParts) {
    this.s = prepareAll(parts.database, statements);
  }

  async saveMedia(content: MediaContent, expiresAt: Date, conversationId: number | null): Promise<string> {
    const token = randomBytes(24).toString("base64url");
    const { bytes, contentType, filename } = content;
    await this.s.saveMedia.commitNow({
      token,
      contentType,
      filename,
      bytes: Buffer.from(bytes),
      expiresAt,
      conversationId,
    });
    return token;
  }

  async media(token: string, now: Date): Promise<MediaContent | null> {
    const [row] = await this.s.media.read({ token });
    if (!row || dateFrom(row.expiresAt) <= now) return null;
    return { bytes: new Uint8Array(row.bytes), contentType: row.contentType, filename: row.filename };
  }

  async deleteExpiredMedia(now: Date): Promise<number> {
    return (await this.s.expiredMedia.commitNow({ now })).length;
  }

  async purgeClosed(closedBefore: Date, limit: number): Promise<number> {
    const { s } = this;
    const deleteConversation = (id: number) => this.deleteConversation(id);
    return this.parts.database.transaction(function* () {
      const ids = (yield* all(s.closedBefore, { closedBefore, limit })).map((row) => Number(row.id));
      for (const id of ids) yield* deleteConversation(id);
      return ids.length;
    });
  }

  async erase(
    contacts: readonly ContactKey[],
    jobs: (erasure: Erasure) => readonly NewJob[],
  ): Promise<Erasure> {
    const { s } = this;
    const deleteConversation = (id: number) => this.deleteConversation(id);
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const channelIds = new Set<string>();
      const posts: Post[] = [];
      let conversations = 0;
      let messages = 0;
      let erased = 0;
      for (const key of contacts) {
        const contact = yield* first(s.contact, { kind: key.kind, address: key.address });
        if (!contact) continue;
        for (const { id } of yield* all(s.ofContact, { contactId: Number(contact.id) })) {
          for (const { channelId } of yield* all(s.channels, { id }))
            if (channelId) channelIds.add(channelId);
          posts.push(
            ...(yield* all(s.posts, { id })).map((post) => ({ channelId: post.channelId, ts: post.ts })),
          );
          messages += yield* deleteConversation(Number(id));
          conversations++;
        }
        // Its last conversation's deletion took the contact with it; one without any goes now.
        yield* all(s.orphan, { contactId: Number(contact.id) });
        erased++;
      }
      const erasure = { contacts: erased, conversations, messages, channelIds: [...channelIds], posts };
      const found = erased + conversations > 0;
      return { outcome: erasure, jobs: found ? yield* queue.insertJobs(jobs(erasure), new Date()) : [] };
    });
  }

  /** Deletes one conversation and what names it; how many messages it had. */
  private *deleteConversation(id: number): Step<number> {
    const { s } = this;
    yield* all(s.sentParts, { id });
    const messages = (yield* all(s.messages, { id })).length;
    yield* all(s.nudges, { id });
    yield* all(s.pastThreads, { id });
    yield* all(s.conversationMedia, { id });
    for (const lane of this.parts.lanesOf(id)) yield* all(s.laneJobs, { lane });
    yield* all(s.namingJobs, { id: String(id) });
    const deleted = yield* first(s.conversation, { id });
    if (deleted) yield* all(s.orphan, { contactId: Number(deleted.contactId) });
    return messages;
  }
}
