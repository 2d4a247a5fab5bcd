import type Database from "better-sqlite3";

/** The conversation store's prepared statements, prepared once the database is migrated. */
export function storeStatements(db: Database.Database) {
  return {
    messageByProvider: db.prepare(`SELECT * FROM "Message" WHERE "provider" = ? AND "providerMessageId" = ?`),
    messageByPart: db.prepare(`SELECT m.* FROM "SentPart" p JOIN "Message" m ON m."id" = p."messageId"
      WHERE p."provider" = ? AND p."providerMessageId" = ?`),
    partByProvider: db.prepare(
      `SELECT "messageId" FROM "SentPart" WHERE "provider" = ? AND "providerMessageId" = ?`,
    ),
    sentParts: db.prepare(`SELECT * FROM "SentPart" WHERE "messageId" = ? ORDER BY "index"`),
    // The provider is the message's; a part already recorded (by index or by id) stays as it was.
    insertSentPart: db.prepare(`INSERT INTO "SentPart" ("messageId", "index", "provider", "providerMessageId",
        "status", "createdAt")
      SELECT "id", @index, "provider", @providerMessageId, @status, @at FROM "Message" WHERE "id" = @messageId
      ON CONFLICT DO NOTHING`),
    updateSentPart: db.prepare(`UPDATE "SentPart" SET "status" = ? WHERE "messageId" = ? AND "index" = ?`),
    messageBySlackTs: db.prepare(`SELECT "id" FROM "Message" WHERE "slackChannelId" = ? AND "slackTs" = ?`),
    message: db.prepare(`SELECT * FROM "Message" WHERE "id" = ?`),
    inbox: db.prepare(`SELECT * FROM "Inbox" WHERE "kind" = ? AND "address" = ?`),
    inboxById: db.prepare(`SELECT * FROM "Inbox" WHERE "id" = ?`),
    insertInbox: db.prepare(`INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt")
      VALUES (?, ?, ?, ?) RETURNING *`),
    contact: db.prepare(`SELECT * FROM "Contact" WHERE "kind" = ? AND "address" = ?`),
    contactById: db.prepare(`SELECT * FROM "Contact" WHERE "id" = ?`),
    insertContact: db.prepare(`INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt")
      VALUES (?, ?, ?, ?) RETURNING *`),
    conversation: db.prepare(`SELECT * FROM "Conversation" WHERE "inboxId" = ? AND "contactId" = ?`),
    conversationById: db.prepare(`SELECT * FROM "Conversation" WHERE "id" = ?`),
    insertNudge:
      db.prepare(`INSERT INTO "Nudge" ("conversationId", "unansweredSince", "assigneeId", "postedAt")
      VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    teamSettings: db.prepare(`SELECT * FROM "TeamSettings" WHERE "slackChannelId" = ?`),
    // On the ConversationStart (slackUserId, createdAt) index; the table holds about an hour of starts.
    recentStarts: db.prepare(
      `SELECT COUNT(*) AS "count" FROM "ConversationStart" WHERE "slackUserId" = ? AND "createdAt" > ?`,
    ),
    recordStart: db.prepare(`INSERT INTO "ConversationStart" ("slackUserId", "createdAt") VALUES (?, ?)`),
    forgetStarts: db.prepare(`DELETE FROM "ConversationStart" WHERE "slackUserId" = ? AND "createdAt" <= ?`),
    unassign: db.prepare(`UPDATE "Conversation" SET "assigneeId" = NULL, "updatedAt" = ?
      WHERE "id" = ? AND "assigneeId" = ? AND "status" = 'open'`),
    endWait: db.prepare(`UPDATE "Conversation" SET "unansweredSince" = NULL, "updatedAt" = ? WHERE "id" = ?`),
    conversationByThread: db.prepare(
      `SELECT * FROM "Conversation" WHERE "slackChannelId" = ? AND "slackThreadTs" = ?`,
    ),
    insertConversation:
      db.prepare(`INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt")
      VALUES (?, ?, ?, ?) RETURNING *`),
    insertMessage: db.prepare(`INSERT INTO "Message" ("conversationId", "direction", "body", "attachments",
        "provider", "providerMessageId", "slackChannelId", "slackTs", "authorSlackUserId", "status",
        "createdAt", "updatedAt")
      VALUES (@conversationId, @direction, @body, @attachments, @provider, @providerMessageId, @slackChannelId,
        @slackTs, @authorSlackUserId, @status, @createdAt, @updatedAt) RETURNING "id"`),
    reportedUpTo: db.prepare(`SELECT m.* FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      JOIN "Inbox" i ON i."id" = c."inboxId" JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE i."kind" = @kind AND i."address" = @inbox AND ct."kind" = @kind AND ct."address" = @contact
        AND m."direction" = 'out' AND m."createdAt" <= @upTo ORDER BY m."id"`),
    unpark: db.prepare(`UPDATE "DeliveryJob" SET "state" = 'pending', "runAt" = 0
      WHERE "state" = 'parked' AND "lane" = ?`),
    laneJobs: db.prepare(`SELECT "id", "lane", "kind", "payload", "runAt", "createdAt" FROM "DeliveryJob"
      WHERE "lane" = ? AND "state" = 'pending' ORDER BY "id"`),
    conversationIds: db.prepare(`SELECT "id" FROM "Conversation" WHERE "inboxId" = ?`),
    clearProblem: db.prepare(`UPDATE "Inbox" SET "deliveryProblem" = NULL, "updatedAt" = ? WHERE "id" = ?`),
    connect: db.prepare(`UPDATE "Inbox" SET "slackChannelId" = ?, "connectedBy" = ?, "connectedAt" = ?,
      "deliveryProblem" = NULL, "updatedAt" = ? WHERE "id" = ?`),
    rememberThreads:
      db.prepare(`INSERT INTO "PastThread" ("slackChannelId", "slackThreadTs", "conversationId",
        "createdAt")
      SELECT "slackChannelId", "slackThreadTs", "id", ? FROM "Conversation"
      WHERE "inboxId" = ? AND "slackChannelId" IS NOT NULL AND "slackThreadTs" IS NOT NULL
      ON CONFLICT DO NOTHING`),
    conversationByPastThread: db.prepare(`SELECT c.* FROM "PastThread" p
      JOIN "Conversation" c ON c."id" = p."conversationId"
      WHERE p."slackChannelId" = ? AND p."slackThreadTs" = ?`),
    rememberThread:
      db.prepare(`INSERT INTO "PastThread" ("slackChannelId", "slackThreadTs", "conversationId", "createdAt")
      SELECT "slackChannelId", "slackThreadTs", "id", ? FROM "Conversation"
      WHERE "id" = ? AND "slackChannelId" = ? AND "slackThreadTs" = ? ON CONFLICT DO NOTHING`),
    adoptThread:
      db.prepare(`UPDATE "Conversation" SET "slackChannelId" = @channelId, "slackThreadTs" = @threadTs,
      "updatedAt" = @now WHERE "id" = @conversationId
      AND ("slackThreadTs" IS NULL OR "slackChannelId" IS NOT @channelId)
      AND EXISTS (SELECT 1 FROM "Inbox" i WHERE i."id" = "Conversation"."inboxId" AND i."slackChannelId" = @channelId)`),
    forgetThread: db.prepare(`UPDATE "Conversation" SET "slackChannelId" = NULL, "slackThreadTs" = NULL,
      "updatedAt" = ? WHERE "id" = ? AND "slackChannelId" = ? AND "slackThreadTs" = ?`),
    waiting: db.prepare(`SELECT COUNT(*) AS "count" FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE c."inboxId" = ? AND m."direction" = 'in' AND m."slackTs" IS NULL AND m."status" = 'received'`),
  };
}
