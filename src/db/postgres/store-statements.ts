import { prepared } from "./pool.js";

/* The conversation store's SQL on PostgreSQL, as named statements (prepared once per connection). */

/** A conversation with its inbox and contact in one round trip, as JSON objects (dates as ISO text). */
const contextOf = (from: string, where: string) => `SELECT to_jsonb(c) AS "conversation",
    to_jsonb(i) AS "inbox", to_jsonb(ct) AS "contact"
  FROM ${from} JOIN "Inbox" i ON i."id" = c."inboxId" JOIN "Contact" ct ON ct."id" = c."contactId"
  WHERE ${where}`;

const inboundColumns = `"conversationId", "direction", "body", "attachments", "provider", "providerMessageId",
  "status", "createdAt", "updatedAt"`;

export const statements = {
  messageByProvider: prepared(
    "threadline_message_by_provider",
    `SELECT * FROM "Message" WHERE "provider" = $1 AND "providerMessageId" = $2`,
  ),
  message: prepared("threadline_message", `SELECT * FROM "Message" WHERE "id" = $1`),
  teamSettings: prepared(
    "threadline_team_settings",
    `SELECT * FROM "TeamSettings" WHERE "slackChannelId" = $1`,
  ),
  inbox: prepared("threadline_inbox", `SELECT * FROM "Inbox" WHERE "kind" = $1 AND "address" = $2`),
  inboxForUpdate: prepared(
    "threadline_inbox_for_update",
    `SELECT * FROM "Inbox" WHERE "kind" = $1 AND "address" = $2 FOR UPDATE`,
  ),
  inboxById: prepared("threadline_inbox_by_id", `SELECT * FROM "Inbox" WHERE "id" = $1`),
  insertInbox: prepared(
    "threadline_insert_inbox",
    `INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt") VALUES ($1, $2, $3, $3)
      ON CONFLICT ("kind", "address") DO NOTHING RETURNING *`,
  ),
  contact: prepared("threadline_contact", `SELECT * FROM "Contact" WHERE "kind" = $1 AND "address" = $2`),
  insertContact: prepared(
    "threadline_insert_contact",
    `INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt") VALUES ($1, $2, $3, $3)
      ON CONFLICT ("kind", "address") DO NOTHING RETURNING *`,
  ),
  insertConversation: prepared(
    "threadline_insert_conversation",
    `INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt") VALUES ($1, $2, $3, $3)
      ON CONFLICT ("inboxId", "contactId") DO NOTHING RETURNING *`,
  ),
  conversationForUpdate: prepared(
    "threadline_conversation_for_update",
    `SELECT * FROM "Conversation" WHERE "inboxId" = $1 AND "contactId" = $2 FOR UPDATE`,
  ),
  insertNudge: prepared(
    "threadline_insert_nudge",
    `INSERT INTO "Nudge" ("conversationId", "unansweredSince", "assigneeId", "postedAt") VALUES ($1, $2, $3, $4)
      ON CONFLICT DO NOTHING`,
  ),
  // $1 kind, $2 provider message id, $3 inbox address, $4 contact address, $5 now.
  inboundState: prepared(
    "threadline_inbound_state",
    `WITH "foundInbox" AS (SELECT * FROM "Inbox" WHERE "kind" = $1 AND "address" = $3),
      "newInbox" AS (INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt")
        SELECT $1, $3, $5, $5 WHERE NOT EXISTS (SELECT 1 FROM "foundInbox")
        ON CONFLICT ("kind", "address") DO NOTHING RETURNING *),
      "inbox" AS (SELECT * FROM "foundInbox" UNION ALL SELECT * FROM "newInbox"),
      "foundContact" AS (SELECT * FROM "Contact" WHERE "kind" = $1 AND "address" = $4),
      "newContact" AS (INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt")
        SELECT $1, $4, $5, $5 WHERE NOT EXISTS (SELECT 1 FROM "foundContact")
        ON CONFLICT ("kind", "address") DO NOTHING RETURNING *),
      "contact" AS (SELECT * FROM "foundContact" UNION ALL SELECT * FROM "newContact"),
      "found" AS (SELECT c.* FROM "Conversation" c JOIN "inbox" i ON c."inboxId" = i."id"
        JOIN "contact" ct ON c."contactId" = ct."id" FOR UPDATE OF c),
      "created" AS (INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt")
        SELECT i."id", ct."id", $5, $5 FROM "inbox" i, "contact" ct WHERE NOT EXISTS (SELECT 1 FROM "found")
        ON CONFLICT ("inboxId", "contactId") DO NOTHING RETURNING *)
    SELECT (SELECT "id" FROM "Message" WHERE "provider" = $1 AND "providerMessageId" = $2) AS "duplicate",
      (SELECT to_jsonb(i) FROM "inbox" i) AS "inbox", (SELECT to_jsonb(ct) FROM "contact" ct) AS "contact",
      (SELECT to_jsonb(c) FROM "found" c) AS "found", (SELECT to_jsonb(c) FROM "created" c) AS "created",
      (SELECT to_jsonb(t) FROM "TeamSettings" t JOIN "inbox" i ON t."slackChannelId" = i."slackChannelId")
        AS "team"`,
  ),
  // One start at a time per person (a transaction lock), so two instances can't both take the last one.
  lockStarts: prepared("threadline_lock_starts", `SELECT pg_advisory_xact_lock(hashtext('start:' || $1))`),
  recentStarts: prepared(
    "threadline_recent_starts",
    `SELECT COUNT(*)::int AS "count" FROM "ConversationStart" WHERE "slackUserId" = $1 AND "createdAt" > $2`,
  ),
  recordStart: prepared(
    "threadline_record_start",
    `WITH "old" AS (DELETE FROM "ConversationStart" WHERE "slackUserId" = $1 AND "createdAt" <= $2)
      INSERT INTO "ConversationStart" ("slackUserId", "createdAt") VALUES ($1, $3)`,
  ),
  unassign: prepared(
    "threadline_unassign",
    `UPDATE "Conversation" SET "assigneeId" = NULL, "updatedAt" = $3
      WHERE "id" = $1 AND "assigneeId" = $2 AND "status" = 'open'`,
  ),
  endWait: prepared(
    "threadline_end_wait",
    `UPDATE "Conversation" SET "unansweredSince" = NULL, "updatedAt" = $2 WHERE "id" = $1`,
  ),
  insertInbound: prepared(
    "threadline_insert_inbound",
    `INSERT INTO "Message" (${inboundColumns}) VALUES ($1, 'in', $2, $3, $4, $5, 'received', $6, $7)
      ON CONFLICT ("provider", "providerMessageId") DO NOTHING RETURNING "id"`,
  ),
  insertReply: prepared(
    "threadline_insert_reply",
    `INSERT INTO "Message" ("conversationId", "direction", "body", "attachments", "provider", "slackChannelId",
        "slackTs", "authorSlackUserId", "status", "createdAt", "updatedAt")
      VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, 'pending', $8, $8)
      ON CONFLICT ("slackChannelId", "slackTs") DO NOTHING RETURNING "id"`,
  ),
  // By the message's own provider id or any of its parts'.
  reportedById: prepared(
    "threadline_reported_by_id",
    `SELECT * FROM "Message" WHERE "direction" = 'out' AND "id" IN (
        SELECT "id" FROM "Message" WHERE "provider" = $1 AND "providerMessageId" = ANY($2::text[])
        UNION SELECT "messageId" FROM "SentPart" WHERE "provider" = $1 AND "providerMessageId" = ANY($2::text[]))
      ORDER BY "id" FOR UPDATE`,
  ),
  sentPartsOf: prepared(
    "threadline_sent_parts",
    `SELECT * FROM "SentPart" WHERE "messageId" = ANY($1::int[]) ORDER BY "messageId", "index"`,
  ),
  // The provider is the message's; a part already recorded (by index or by id) stays as it was.
  insertSentPart: prepared(
    "threadline_insert_sent_part",
    `INSERT INTO "SentPart" ("messageId", "index", "provider", "providerMessageId", "status", "createdAt")
      SELECT "id", $2, "provider", $3, $4, $5 FROM "Message" WHERE "id" = $1
      ON CONFLICT DO NOTHING`,
  ),
  updateSentPart: prepared(
    "threadline_update_sent_part",
    `UPDATE "SentPart" SET "status" = $1 WHERE "messageId" = $2 AND "index" = $3`,
  ),
  partsOfOtherMessages: prepared(
    "threadline_parts_of_other_messages",
    `SELECT "providerMessageId" FROM "SentPart"
      WHERE "provider" = $1 AND "providerMessageId" = ANY($2::text[]) AND "messageId" <> $3`,
  ),
  insertStart: prepared(
    "threadline_insert_start",
    `INSERT INTO "Message" ("conversationId", "direction", "body", "attachments", "provider", "authorSlackUserId",
        "status", "createdAt", "updatedAt")
      VALUES ($1, 'out', $2, '[]', $3, $4, 'pending', $5, $5) RETURNING "id"`,
  ),
  messageBySlackTs: prepared(
    "threadline_message_by_slack_ts",
    `SELECT * FROM "Message" WHERE "slackChannelId" = $1 AND "slackTs" = $2`,
  ),
  adoptThread: prepared(
    "threadline_adopt_thread",
    `UPDATE "Conversation" SET "slackChannelId" = $3, "slackThreadTs" = $4, "updatedAt" = $1
      WHERE "id" = $2 AND ("slackThreadTs" IS NULL OR "slackChannelId" IS DISTINCT FROM $3)
      AND EXISTS (SELECT 1 FROM "Inbox" i WHERE i."id" = "Conversation"."inboxId" AND i."slackChannelId" = $3)`,
  ),
  // One statement: remembers the thread as past and forgets it, only if it is still the conversation's.
  forgetThread: prepared(
    "threadline_forget_thread",
    `WITH "remembered" AS (
        INSERT INTO "PastThread" ("slackChannelId", "slackThreadTs", "conversationId", "createdAt")
        SELECT "slackChannelId", "slackThreadTs", "id", $1 FROM "Conversation"
        WHERE "id" = $2 AND "slackChannelId" = $3 AND "slackThreadTs" = $4 ON CONFLICT DO NOTHING)
      UPDATE "Conversation" SET "slackChannelId" = NULL, "slackThreadTs" = NULL, "updatedAt" = $1
      WHERE "id" = $2 AND "slackChannelId" = $3 AND "slackThreadTs" = $4`,
  ),
  reportedUpTo: prepared(
    "threadline_reported_up_to",
    `SELECT m.* FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      JOIN "Inbox" i ON i."id" = c."inboxId" JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE i."kind" = $1 AND i."address" = $2 AND ct."kind" = $1 AND ct."address" = $3
        AND m."direction" = 'out' AND m."createdAt" <= $4 ORDER BY m."id" FOR UPDATE OF m`,
  ),
  contextById: prepared("threadline_context_by_id", contextOf(`"Conversation" c`, `c."id" = $1`)),
  contextByThread: prepared(
    "threadline_context_by_thread",
    contextOf(`"Conversation" c`, `c."slackChannelId" = $1 AND c."slackThreadTs" = $2`),
  ),
  contextByPastThread: prepared(
    "threadline_context_by_past_thread",
    contextOf(
      `"PastThread" p JOIN "Conversation" c ON c."id" = p."conversationId"`,
      `p."slackChannelId" = $1 AND p."slackThreadTs" = $2`,
    ),
  ),
  unpark: prepared(
    "threadline_unpark_lanes",
    `UPDATE "DeliveryJob" SET "state" = 'pending', "runAt" = 0
      WHERE "state" = 'parked' AND "lane" = ANY($1::text[]) RETURNING "lane"`,
  ),
  laneJobs: prepared(
    "threadline_lane_jobs",
    `SELECT "id", "lane", "kind", "payload", "runAt", "createdAt" FROM "DeliveryJob"
      WHERE "lane" = ANY($1::text[]) AND "state" = 'pending' ORDER BY "id"`,
  ),
  clearProblem: prepared(
    "threadline_clear_inbox_problem",
    `UPDATE "Inbox" SET "deliveryProblem" = NULL, "updatedAt" = $2 WHERE "id" = $1`,
  ),
  conversationIds: prepared(
    "threadline_conversation_ids",
    `SELECT "id" FROM "Conversation" WHERE "inboxId" = $1`,
  ),
  connect: prepared(
    "threadline_connect_inbox",
    `UPDATE "Inbox" SET "slackChannelId" = $1, "connectedBy" = $2, "connectedAt" = $3, "deliveryProblem" = NULL,
      "updatedAt" = $3 WHERE "id" = $4`,
  ),
  rememberThreads: prepared(
    "threadline_remember_threads",
    `INSERT INTO "PastThread" ("slackChannelId", "slackThreadTs", "conversationId", "createdAt")
      SELECT "slackChannelId", "slackThreadTs", "id", $1 FROM "Conversation"
      WHERE "inboxId" = $2 AND "slackChannelId" IS NOT NULL AND "slackThreadTs" IS NOT NULL
      ON CONFLICT DO NOTHING`,
  ),
  waiting: prepared(
    "threadline_waiting_messages",
    `SELECT COUNT(*)::int AS "count" FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE c."inboxId" = $1 AND m."direction" = 'in' AND m."slackTs" IS NULL AND m."status" = 'received'`,
  ),
};
