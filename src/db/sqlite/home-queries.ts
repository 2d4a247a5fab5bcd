import type Database from "better-sqlite3";
import { reminderLanePrefix } from "../../core/lane-names.js";
import type { ChannelKind, ConversationStatus, Inbox } from "../../core/model.js";
import type {
  Assignment,
  ConversationList,
  ConversationSummary,
  HomeQueries,
  InboxQueue,
  ScheduledReminder,
} from "../../core/ports/home.js";
import { optionalDate, text as optionalText, toInbox } from "../rows.js";

type Row = Record<string, unknown>;

/**
 * The customer's first message after the last reply that reached them. Failed replies do not count, nor the
 * away reply (the only outbound message without an author): it answers nothing.
 */
export const waitingSince = `(SELECT MIN(m."createdAt") FROM "Message" m
  WHERE m."conversationId" = c."id" AND m."direction" = 'in' AND m."id" > COALESCE(
    (SELECT MAX(o."id") FROM "Message" o WHERE o."conversationId" = c."id" AND o."direction" = 'out'
      AND o."authorSlackUserId" IS NOT NULL AND o."status" NOT IN ('failed', 'undelivered', 'not_sent')), 0))`;

export const summaryColumns = `c."id" AS "conversationId", c."inboxId", c."status", c."assigneeId", c."slackChannelId",
  c."slackThreadTs", c."lastInboundAt", ct."kind", ct."address" AS "contactAddress",
  ct."displayName" AS "contactName"`;

/** A row of the summary columns (plus "waitingSince") as the core reads it; PostgreSQL's rows too. */
export function toSummary(row: Row): ConversationSummary {
  return {
    conversationId: Number(row.conversationId),
    inboxId: Number(row.inboxId),
    kind: row.kind as ChannelKind,
    status: row.status as ConversationStatus,
    contactAddress: String(row.contactAddress),
    contactName: optionalText(row.contactName),
    assigneeId: optionalText(row.assigneeId),
    slackChannelId: optionalText(row.slackChannelId),
    slackThreadTs: optionalText(row.slackThreadTs),
    waitingSince: optionalDate(row.waitingSince),
    lastInboundAt: optionalDate(row.lastInboundAt),
  };
}

/**
 * App Home's lists on prepared statements: one query per list, each on an index (Conversation by assignee and
 * status, by inbox, status and assignee; DeliveryJob by lane). "Waiting since" is computed only for the rows
 * shown, on the messages' (conversation, id) index.
 */
export class SqliteHomeQueries implements HomeQueries {
  private prepared: ReturnType<typeof homeStatements> | null = null;

  constructor(private readonly db: () => Database.Database) {}

  private get statements(): ReturnType<typeof homeStatements> {
    this.prepared ??= homeStatements(this.db());
    return this.prepared;
  }

  async openAssignedTo(
    userId: string,
    inboxIds: readonly number[],
    limit: number,
  ): Promise<ConversationList> {
    if (inboxIds.length === 0) return { total: 0, summaries: [] };
    const rows = this.statements.assigned.all({ userId, inboxIds: JSON.stringify(inboxIds), limit }) as Row[];
    return { total: Number(rows[0]?.total ?? 0), summaries: rows.map(toSummary) };
  }

  async unassignedOpen(inboxIds: readonly number[], limitPerInbox: number): Promise<readonly InboxQueue[]> {
    if (inboxIds.length === 0) return [];
    const rows = this.statements.unassigned.all({
      inboxIds: JSON.stringify(inboxIds),
      limit: limitPerInbox,
    }) as Row[];
    const queues = new Map<number, { inboxId: number; total: number; summaries: ConversationSummary[] }>();
    for (const row of rows) {
      const inboxId = Number(row.inboxId);
      let queue = queues.get(inboxId);
      if (!queue) {
        queue = { inboxId, total: Number(row.total), summaries: [] };
        queues.set(inboxId, queue);
      }
      queue.summaries.push(toSummary(row));
    }
    return [...queues.values()];
  }

  async connectedInboxes(): Promise<readonly Inbox[]> {
    return (this.statements.connected.all() as Row[]).map(toInbox);
  }

  async openAssignmentsIn(slackChannelId: string): Promise<readonly Assignment[]> {
    return (this.statements.assignmentsIn.all(slackChannelId) as Row[]).map((row) => ({
      conversationId: Number(row.conversationId),
      assigneeId: String(row.assigneeId),
    }));
  }

  async remindersOf(userId: string, inboxIds: readonly number[]): Promise<readonly ScheduledReminder[]> {
    if (inboxIds.length === 0) return [];
    const prefix = reminderLanePrefix(userId);
    // Lanes from the prefix up to (not including) the prefix with its last character incremented.
    const until = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
    const rows = this.statements.scheduledReminders.all({
      from: prefix,
      until,
      inboxIds: JSON.stringify(inboxIds),
    }) as Row[];
    return rows.map((row) => ({
      jobId: Number(row.jobId),
      runAt: new Date(Number(row.runAt)),
      conversation: toSummary(row),
    }));
  }
}

function homeStatements(db: Database.Database) {
  return {
    connected: db.prepare(`SELECT * FROM "Inbox" WHERE "slackChannelId" IS NOT NULL ORDER BY "id"`),
    assigned: db.prepare(`SELECT ${summaryColumns}, ${waitingSince} AS "waitingSince",
        COUNT(*) OVER () AS "total"
      FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE c."assigneeId" = @userId AND c."status" = 'open'
        AND c."inboxId" IN (SELECT "value" FROM json_each(@inboxIds))
      ORDER BY "waitingSince" IS NULL, "waitingSince", c."lastInboundAt", c."id" LIMIT @limit`),
    unassigned: db.prepare(`SELECT ${summaryColumns}, ${waitingSince} AS "waitingSince", r."total"
      FROM (SELECT "id", COUNT(*) OVER (PARTITION BY "inboxId") AS "total",
          ROW_NUMBER() OVER (PARTITION BY "inboxId" ORDER BY "lastInboundAt" IS NULL, "lastInboundAt", "id")
            AS "rank"
        FROM "Conversation"
        WHERE "inboxId" IN (SELECT "value" FROM json_each(@inboxIds)) AND "status" = 'open'
          AND "assigneeId" IS NULL) r
      JOIN "Conversation" c ON c."id" = r."id" JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE r."rank" <= @limit
      ORDER BY c."inboxId", r."rank"`),
    // On the (lane, state, id) index by the lane prefix; the `+` keeps SQLite off (state, runAt), which would
    // walk every pending job.
    scheduledReminders:
      db.prepare(`SELECT j."id" AS "jobId", j."runAt", ${summaryColumns}, NULL AS "waitingSince"
      FROM "DeliveryJob" j
      JOIN "Conversation" c ON c."id" = json_extract(j."payload", '$.conversationId')
      JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE j."lane" >= @from AND j."lane" < @until AND +j."state" = 'pending' AND j."kind" = 'slack.reminder'
        AND c."inboxId" IN (SELECT "value" FROM json_each(@inboxIds))
      ORDER BY j."runAt", j."id"`),
    // On the Conversation (inboxId, status, assigneeId) index, inbox by inbox.
    assignmentsIn: db.prepare(`SELECT c."id" AS "conversationId", c."assigneeId"
      FROM "Inbox" i JOIN "Conversation" c ON c."inboxId" = i."id"
      WHERE i."slackChannelId" = ? AND c."status" = 'open' AND c."assigneeId" IS NOT NULL
      ORDER BY c."id"`),
  };
}
