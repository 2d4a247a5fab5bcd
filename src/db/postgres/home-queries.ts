import type pg from "pg";
import { reminderLanePrefix } from "../../core/lane-names.js";
import type {
  Assignment,
  ConversationList,
  ConversationSummary,
  HomeQueries,
  InboxQueue,
  ScheduledReminder,
} from "../../core/ports/home.js";
import { summaryColumns, toSummary, waitingSince } from "../sqlite/home-queries.js";
import { toInbox } from "../rows.js";
import { prepared } from "./pool.js";

type Row = Record<string, unknown>;

const statements = {
  connected: prepared(
    "threadline_home_connected",
    `SELECT * FROM "Inbox" WHERE "slackChannelId" IS NOT NULL ORDER BY "id"`,
  ),
  assigned: prepared(
    "threadline_home_assigned",
    `SELECT * FROM (SELECT ${summaryColumns}, ${waitingSince} AS "waitingSince", COUNT(*) OVER ()::int AS "total"
        FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
        WHERE c."assigneeId" = $1 AND c."status" = 'open' AND c."inboxId" = ANY($2::int[])) s
      ORDER BY "waitingSince" ASC NULLS LAST, "lastInboundAt" ASC NULLS LAST, "conversationId" LIMIT $3`,
  ),
  unassigned: prepared(
    "threadline_home_unassigned",
    `SELECT ${summaryColumns}, ${waitingSince} AS "waitingSince", r."total"
      FROM (SELECT "id", COUNT(*) OVER (PARTITION BY "inboxId")::int AS "total",
          ROW_NUMBER() OVER (PARTITION BY "inboxId" ORDER BY "lastInboundAt" ASC NULLS LAST, "id") AS "rank"
        FROM "Conversation"
        WHERE "inboxId" = ANY($1::int[]) AND "status" = 'open' AND "assigneeId" IS NULL) r
      JOIN "Conversation" c ON c."id" = r."id" JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE r."rank" <= $2
      ORDER BY c."inboxId", r."rank"`,
  ),
  // By prefix among pending jobs: a range on the lane index would depend on the database's collation.
  reminders: prepared(
    "threadline_home_reminders",
    `SELECT j."id" AS "jobId", j."runAt", ${summaryColumns}, NULL AS "waitingSince"
      FROM "DeliveryJob" j
      JOIN "Conversation" c ON c."id" = (j."payload"::jsonb ->> 'conversationId')::int
      JOIN "Contact" ct ON ct."id" = c."contactId"
      WHERE j."state" = 'pending' AND j."kind" = 'slack.reminder' AND starts_with(j."lane", $1)
        AND c."inboxId" = ANY($2::int[])
      ORDER BY j."runAt", j."id"`,
  ),
  assignmentsIn: prepared(
    "threadline_home_assignments_in",
    `SELECT c."id" AS "conversationId", c."assigneeId"
      FROM "Inbox" i JOIN "Conversation" c ON c."inboxId" = i."id"
      WHERE i."slackChannelId" = $1 AND c."status" = 'open' AND c."assigneeId" IS NOT NULL
      ORDER BY c."id"`,
  ),
};

/** App Home's lists on PostgreSQL: the same queries as on SQLite, one per list. */
export class PgHomeQueries implements HomeQueries {
  constructor(private readonly pool: pg.Pool) {}

  async openAssignedTo(
    userId: string,
    inboxIds: readonly number[],
    limit: number,
  ): Promise<ConversationList> {
    if (inboxIds.length === 0) return { total: 0, summaries: [] };
    const { rows } = await this.pool.query(statements.assigned([userId, [...inboxIds], limit]));
    return { total: Number((rows[0] as Row | undefined)?.total ?? 0), summaries: rows.map(toSummary) };
  }

  async unassignedOpen(inboxIds: readonly number[], limitPerInbox: number): Promise<readonly InboxQueue[]> {
    if (inboxIds.length === 0) return [];
    const { rows } = await this.pool.query(statements.unassigned([[...inboxIds], limitPerInbox]));
    const queues = new Map<number, { inboxId: number; total: number; summaries: ConversationSummary[] }>();
    for (const row of rows as Row[]) {
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

  async remindersOf(userId: string, inboxIds: readonly number[]): Promise<readonly ScheduledReminder[]> {
    if (inboxIds.length === 0) return [];
    const { rows } = await this.pool.query(statements.reminders([reminderLanePrefix(userId), [...inboxIds]]));
    return (rows as Row[]).map((row) => ({
      jobId: Number(row.jobId),
      runAt: new Date(Number(row.runAt)),
      conversation: toSummary(row),
    }));
  }

  async openAssignmentsIn(slackChannelId: string): Promise<readonly Assignment[]> {
    const { rows } = await this.pool.query(statements.assignmentsIn([slackChannelId]));
    return (rows as Row[]).map((row) => ({
      conversationId: Number(row.conversationId),
      assigneeId: String(row.assigneeId),
    }));
  }

  async connectedInboxes() {
    const { rows } = await this.pool.query(statements.connected());
    return (rows as Row[]).map(toInbox);
  }
}
