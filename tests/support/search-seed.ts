import type Database from "better-sqlite3";

/**
 * Two SMS inboxes for searching: a small one (3 conversations, 6 messages) and a large one (2,000 conversations
 * of 15 messages), whose messages all say "refund", "tracking" and "delivered". Written straight into the
 * migrated tables; answers the two inboxes' ids.
 */
export function seedSearchInboxes(sql: Database.Database): { small: number; large: number } {
  let small = 0;
  let large = 0;
  const now = new Date().toISOString();
  const inbox = sql.prepare(
    `INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt") VALUES ('sms', ?, ?, ?) RETURNING "id"`,
  );
  const contact = sql.prepare(
    `INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt") VALUES ('sms', ?, ?, ?) RETURNING "id"`,
  );
  const conversation =
    sql.prepare(`INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt")
      VALUES (?, ?, ?, ?) RETURNING "id"`);
  const message =
    sql.prepare(`INSERT INTO "Message" ("conversationId", "direction", "body", "provider", "status",
      "createdAt", "updatedAt") VALUES (?, 'in', ?, 'sms', 'received', ?, ?)`);
  const id = (row: unknown) => (row as { id: number }).id;
  sql.transaction(() => {
    small = id(inbox.get("+15550001111", now, now));
    large = id(inbox.get("+15550002222", now, now));
    let contacts = 0;
    const fill = (inboxId: number, conversations: number, messages: number) => {
      for (let c = 0; c < conversations; c++) {
        const contactId = id(contact.get(`+1555${String(++contacts).padStart(7, "0")}`, now, now));
        const conversationId = id(conversation.get(inboxId, contactId, now, now));
        for (let m = 0; m < messages; m++)
          message.run(
            conversationId,
            `Where is my refund for order ${c}-${m}? Tracking says delivered`,
            now,
            now,
          );
      }
    };
    fill(small, 3, 2);
    fill(large, 2_000, 15);
  })();
  return { small, large };
}
