import type pg from "pg";
import type { ContactKey, Erasure } from "../../core/ports/store.js";

/**
 * Deleting conversations for good on PostgreSQL (retention, erasure): the conversation and everything that
 * names it, then the contacts no other conversation has. Runs inside the caller's transaction; rows are locked
 * as they are chosen, so two instances sweeping at once never wait on each other's purge (SKIP LOCKED).
 */
export class PgErasure {
  constructor(private readonly lanesOf: (conversationId: number) => readonly string[]) {}

  async deleteExpiredMedia(client: pg.Pool | pg.ClientBase, now: Date): Promise<number> {
    return (await client.query(`DELETE FROM "MediaFile" WHERE "expiresAt" <= $1`, [now])).rowCount ?? 0;
  }

  async purgeClosed(client: pg.ClientBase, closedBefore: Date, limit: number): Promise<number> {
    const { rows } = await client.query(
      `SELECT "id" FROM "Conversation" WHERE "status" = 'closed' AND "closedAt" < $1
        ORDER BY "closedAt", "id" LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [closedBefore, limit],
    );
    const ids = rows.map((row) => Number(row.id));
    await this.deleteConversations(client, ids);
    return ids.length;
  }

  async erase(client: pg.ClientBase, contacts: readonly ContactKey[]): Promise<Erasure> {
    const kinds = contacts.map((contact) => contact.kind);
    const addresses = contacts.map((contact) => contact.address);
    const found = await client.query(
      `SELECT ct."id" FROM "Contact" ct JOIN unnest($1::text[], $2::text[]) AS k ("kind", "address")
        ON ct."kind" = k."kind" AND ct."address" = k."address" FOR UPDATE OF ct`,
      [kinds, addresses],
    );
    const contactIds = found.rows.map((row) => Number(row.id));
    if (contactIds.length === 0) {
      return { contacts: 0, conversations: 0, messages: 0, channelIds: [], posts: [] };
    }
    const { rows } = await client.query(
      `SELECT c."id", i."slackChannelId" AS "inboxChannel", c."slackChannelId" AS "threadChannel",
          ARRAY(SELECT p."slackChannelId" FROM "PastThread" p WHERE p."conversationId" = c."id") AS "past"
        FROM "Conversation" c JOIN "Inbox" i ON i."id" = c."inboxId"
        WHERE c."contactId" = ANY($1::int[]) FOR UPDATE OF c`,
      [contactIds],
    );
    const channelIds = new Set(
      rows
        .flatMap((row) => [row.inboxChannel, row.threadChannel, ...(row.past as unknown[])])
        .filter((channel): channel is string => typeof channel === "string"),
    );
    const ids = rows.map((row) => Number(row.id));
    // The app's own posts that show the customer: parents (current and past) and the posts without an author.
    const posts = await client.query(
      `SELECT "slackChannelId" AS "channelId", "slackThreadTs" AS "ts" FROM "Conversation"
          WHERE "id" = ANY($1::int[]) AND "slackChannelId" IS NOT NULL AND "slackThreadTs" IS NOT NULL
        UNION ALL SELECT "slackChannelId", "slackThreadTs" FROM "PastThread" WHERE "conversationId" = ANY($1::int[])
        UNION ALL SELECT "slackChannelId", "slackTs" FROM "Message" WHERE "conversationId" = ANY($1::int[])
          AND "authorSlackUserId" IS NULL AND "slackChannelId" IS NOT NULL AND "slackTs" IS NOT NULL`,
      [ids],
    );
    const messages = await this.deleteConversations(client, ids);
    // Their conversations are gone, so every contact found is an orphan now.
    await this.deleteOrphans(client, contactIds);
    return {
      contacts: contactIds.length,
      conversations: rows.length,
      messages,
      channelIds: [...channelIds],
      posts: posts.rows.map((row) => ({ channelId: String(row.channelId), ts: String(row.ts) })),
    };
  }

  /** Deletes the conversations and what names them; returns how many messages they had. */
  private async deleteConversations(client: pg.ClientBase, ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const list = [[...ids]];
    await client.query(
      `DELETE FROM "SentPart" WHERE "messageId" IN
        (SELECT "id" FROM "Message" WHERE "conversationId" = ANY($1::int[]))`,
      list,
    );
    const messages = await client.query(
      `DELETE FROM "Message" WHERE "conversationId" = ANY($1::int[])`,
      list,
    );
    await client.query(`DELETE FROM "Nudge" WHERE "conversationId" = ANY($1::int[])`, list);
    await client.query(`DELETE FROM "PastThread" WHERE "conversationId" = ANY($1::int[])`, list);
    await client.query(`DELETE FROM "MediaFile" WHERE "conversationId" = ANY($1::int[])`, list);
    // Reminders, nudges and profile look-ups wait on lanes of their own; their payload names the conversation.
    await client.query(
      `DELETE FROM "DeliveryJob" WHERE "lane" = ANY($1::text[])
        OR ("payload"::jsonb ->> 'conversationId') = ANY($2::text[])`,
      [ids.flatMap((id) => this.lanesOf(id)), ids.map(String)],
    );
    const deleted = await client.query(
      `DELETE FROM "Conversation" WHERE "id" = ANY($1::int[]) RETURNING "contactId"`,
      list,
    );
    await this.deleteOrphans(
      client,
      deleted.rows.map((row) => Number(row.contactId)),
    );
    return messages.rowCount ?? 0;
  }

  /** Deletes the contacts no conversation has any more. */
  private async deleteOrphans(client: pg.ClientBase, contactIds: readonly number[]): Promise<void> {
    await client.query(
      `DELETE FROM "Contact" ct WHERE ct."id" = ANY($1::int[])
        AND NOT EXISTS (SELECT 1 FROM "Conversation" c WHERE c."contactId" = ct."id")`,
      [[...contactIds]],
    );
  }
}
