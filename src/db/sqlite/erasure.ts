import type Database from "better-sqlite3";
import type { ContactKey, Erasure } from "../../core/ports/store.js";
import { sqliteDate } from "./prisma-adapter.js";

type Row = Record<string, unknown>;

/**
 * Deleting conversations for good (retention, erasure): the conversation and everything that names it, then
 * its contact if no other conversation has them. The statements run inside the caller's write (one
 * transaction); SQLite's secure_delete and the index's own secure-delete leave no trace of the text in the file.
 */
export class SqliteErasure {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly lanesOf: (conversationId: number) => readonly string[],
  ) {
    this.statements = {
      expiredMedia: db.prepare(`DELETE FROM "MediaFile" WHERE "expiresAt" <= ?`),
      closedBefore: db.prepare(`SELECT "id" FROM "Conversation"
        WHERE "status" = 'closed' AND "closedAt" < ? ORDER BY "closedAt", "id" LIMIT ?`),
      ofContact: db.prepare(`SELECT c."id" FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
        WHERE ct."kind" = ? AND ct."address" = ?`),
      contact: db.prepare(`SELECT "id" FROM "Contact" WHERE "kind" = ? AND "address" = ?`),
      channels: db.prepare(`SELECT i."slackChannelId" AS "inboxChannel", c."slackChannelId" AS "threadChannel"
        FROM "Conversation" c JOIN "Inbox" i ON i."id" = c."inboxId" WHERE c."id" = ?`),
      // The app's own posts that show the customer: parents (current and past) and the posts without an author.
      posts: db.prepare(`SELECT "slackChannelId" AS "channelId", "slackThreadTs" AS "ts" FROM "Conversation"
          WHERE "id" = @id AND "slackChannelId" IS NOT NULL AND "slackThreadTs" IS NOT NULL
        UNION ALL SELECT "slackChannelId", "slackThreadTs" FROM "PastThread" WHERE "conversationId" = @id
        UNION ALL SELECT "slackChannelId", "slackTs" FROM "Message" WHERE "conversationId" = @id
          AND "authorSlackUserId" IS NULL AND "slackChannelId" IS NOT NULL AND "slackTs" IS NOT NULL`),
      pastChannels: db.prepare(
        `SELECT DISTINCT "slackChannelId" FROM "PastThread" WHERE "conversationId" = ?`,
      ),
      sentParts: db.prepare(`DELETE FROM "SentPart"
        WHERE "messageId" IN (SELECT "id" FROM "Message" WHERE "conversationId" = ?)`),
      messages: db.prepare(`DELETE FROM "Message" WHERE "conversationId" = ?`),
      nudges: db.prepare(`DELETE FROM "Nudge" WHERE "conversationId" = ?`),
      pastThreads: db.prepare(`DELETE FROM "PastThread" WHERE "conversationId" = ?`),
      media: db.prepare(`DELETE FROM "MediaFile" WHERE "conversationId" = ?`),
      jobs: db.prepare(`DELETE FROM "DeliveryJob" WHERE "lane" = ?`),
      // Reminders, nudges and profile look-ups wait on lanes of their own; their payload names the conversation.
      namingJobs: db.prepare(
        `DELETE FROM "DeliveryJob" WHERE json_extract("payload", '$.conversationId') = ?`,
      ),
      conversation: db.prepare(`DELETE FROM "Conversation" WHERE "id" = ? RETURNING "contactId"`),
      orphan: db.prepare(`DELETE FROM "Contact" WHERE "id" = ?
        AND NOT EXISTS (SELECT 1 FROM "Conversation" WHERE "contactId" = ?)`),
    };
  }

  deleteExpiredMedia(now: Date): number {
    return this.statements.expiredMedia.run(sqliteDate(now)).changes;
  }

  purgeClosed(closedBefore: Date, limit: number): number {
    const ids = (this.statements.closedBefore.all(sqliteDate(closedBefore), limit) as Row[]).map((row) =>
      Number(row.id),
    );
    for (const id of ids) this.deleteConversation(id);
    return ids.length;
  }

  erase(contacts: readonly ContactKey[]): Erasure {
    const channelIds = new Set<string>();
    const posts: { channelId: string; ts: string }[] = [];
    let conversations = 0;
    let messages = 0;
    let erasedContacts = 0;
    for (const { kind, address } of contacts) {
      const contact = this.statements.contact.get(kind, address) as Row | undefined;
      if (!contact) continue;
      for (const row of this.statements.ofContact.all(kind, address) as Row[]) {
        const id = Number(row.id);
        for (const channel of this.channelsOf(id)) channelIds.add(channel);
        posts.push(...(this.statements.posts.all({ id }) as { channelId: string; ts: string }[]));
        messages += this.deleteConversation(id);
        conversations++;
      }
      // Its last conversation's deletion took the contact with it; one without any goes now.
      this.statements.orphan.run(contact.id, contact.id);
      erasedContacts++;
    }
    return { contacts: erasedContacts, conversations, messages, channelIds: [...channelIds], posts };
  }

  private channelsOf(conversationId: number): string[] {
    const row = this.statements.channels.get(conversationId) as Row | undefined;
    const past = (this.statements.pastChannels.all(conversationId) as Row[]).map((r) => r.slackChannelId);
    return [row?.inboxChannel, row?.threadChannel, ...past].filter(
      (channel): channel is string => typeof channel === "string",
    );
  }

  /** Deletes one conversation and what names it; returns how many messages it had. */
  private deleteConversation(conversationId: number): number {
    const s = this.statements;
    s.sentParts.run(conversationId);
    const messages = s.messages.run(conversationId).changes;
    s.nudges.run(conversationId);
    s.pastThreads.run(conversationId);
    s.media.run(conversationId);
    for (const lane of this.lanesOf(conversationId)) s.jobs.run(lane);
    s.namingJobs.run(conversationId);
    const deleted = s.conversation.get(conversationId) as Row | undefined;
    if (deleted) s.orphan.run(deleted.contactId, deleted.contactId);
    return messages;
  }
}
