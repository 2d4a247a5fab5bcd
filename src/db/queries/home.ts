import { type ExpressionBuilder, sql } from "kysely";
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
import type { DB } from "../generated-kysely/types.js";
import { optionalDate, text as optionalText, toInbox } from "../rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { type Prepared, prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";

type Row = Record<string, unknown>;
type Summaries = ExpressionBuilder<DB & { c: DB["Conversation"]; ct: DB["Contact"] }, "c" | "ct">;

const summaryColumns = [
  "c.id as conversationId",
  "c.inboxId",
  "c.status",
  "c.assigneeId",
  "c.slackChannelId",
  "c.slackThreadTs",
  "c.lastInboundAt",
  "ct.kind",
  "ct.address as contactAddress",
  "ct.displayName as contactName",
] as const;

/**
 * The customer's first message after the last reply that reached them. Failed replies do not count, nor the
 * away reply (the only outbound message without an author): it answers nothing.
 */
const waitingSince = (eb: Summaries) =>
  eb
    .selectFrom("Message as m")
    .select((m) => m.fn.min("m.createdAt").as("at"))
    .whereRef("m.conversationId", "=", "c.id")
    .where("m.direction", "=", "in")
    .where(
      "m.id",
      ">",
      eb.fn.coalesce(
        eb
          .selectFrom("Message as o")
          .select((o) => o.fn.max("o.id").as("id"))
          .whereRef("o.conversationId", "=", "c.id")
          .where("o.direction", "=", "out")
          .where("o.authorSlackUserId", "is not", null)
          .where("o.status", "not in", ["failed", "undelivered", "not_sent"]),
        sql.lit(0),
      ),
    )
    .as("waitingSince");

interface AssignedValues {
  userId: string;
  inboxIds: readonly number[];
  limit: number;
}

const assigned = statement<AssignedValues, Row>("home_assigned", ({ db, oneOf }, p) =>
  db
    .selectFrom("Conversation as c")
    .innerJoin("Contact as ct", "ct.id", "c.contactId")
    .select(summaryColumns)
    .select((eb) => [waitingSince(eb), sql<number>`count(*) over ()`.as("total")])
    .where("c.assigneeId", "=", p.userId)
    .where("c.status", "=", "open")
    .where(oneOf(sql.ref("c.inboxId"), p.inboxIds, "integer"))
    .orderBy("waitingSince", (order) => order.asc().nullsLast())
    .orderBy("c.lastInboundAt", (order) => order.asc().nullsLast())
    .orderBy("c.id")
    .limit(p.limit),
);

const unassigned = statement<{ inboxIds: readonly number[]; limit: number }, Row>(
  "home_unassigned",
  ({ db, oneOf }, p) =>
    db
      .selectFrom((from) =>
        from
          .selectFrom("Conversation")
          .select([
            "id",
            sql<number>`count(*) over (partition by "inboxId")`.as("total"),
            sql<number>`row_number() over (partition by "inboxId" order by "lastInboundAt" asc nulls last, "id")`.as(
              "rank",
            ),
          ])
          .where(oneOf(sql.ref("inboxId"), p.inboxIds, "integer"))
          .where("status", "=", "open")
          .where("assigneeId", "is", null)
          .as("r"),
      )
      .innerJoin("Conversation as c", "c.id", "r.id")
      .innerJoin("Contact as ct", "ct.id", "c.contactId")
      .select(summaryColumns)
      .select((eb) => [waitingSince(eb), "r.total"])
      .where("r.rank", "<=", p.limit)
      .orderBy("c.inboxId")
      .orderBy("r.rank"),
);

interface RemindersValues {
  prefix: string;
  prefixEnd: string;
  inboxIds: readonly number[];
}

// On the (lane, state, id) index by the lane prefix on SQLite, kept off (state, runAt), which would walk every
// pending job; PostgreSQL reads the pending jobs and tests the prefix (a range would depend on its collation).
const reminders = statement<RemindersValues, Row>(
  "home_reminders",
  ({ db, oneOf, jsonInteger, startsWith, unindexed }, p) =>
    db
      .selectFrom("DeliveryJob as j")
      .innerJoin("Conversation as c", (join) =>
        join.on(sql.ref("c.id"), "=", jsonInteger(sql.ref("j.payload"), "conversationId")),
      )
      .innerJoin("Contact as ct", "ct.id", "c.contactId")
      .select(["j.id as jobId", "j.runAt"])
      .select(summaryColumns)
      .select(sql.lit(null).as("waitingSince"))
      .where(startsWith(sql.ref("j.lane"), p.prefix, p.prefixEnd))
      .where(unindexed(sql.ref<string>("j.state")), "=", "pending")
      .where("j.kind", "=", "slack.reminder")
      .where(oneOf(sql.ref("c.inboxId"), p.inboxIds, "integer"))
      .orderBy("j.runAt")
      .orderBy("j.id"),
);

// On the Conversation (inboxId, status, assigneeId) index, inbox by inbox.
const assignmentsIn = statement<{ slackChannelId: string }, { conversationId: number; assigneeId: string }>(
  "home_assignments_in",
  ({ db }, p) =>
    db
      .selectFrom("Inbox as i")
      .innerJoin("Conversation as c", "c.inboxId", "i.id")
      .select(["c.id as conversationId", "c.assigneeId"])
      .where("i.slackChannelId", "=", p.slackChannelId)
      .where("c.status", "=", "open")
      .where("c.assigneeId", "is not", null)
      .orderBy("c.id")
      .$narrowType<{ assigneeId: string }>(),
);

const connected = statement<Record<string, never>, Row>("home_connected", ({ db }) =>
  db.selectFrom("Inbox").selectAll().where("slackChannelId", "is not", null).orderBy("id"),
);

const definitions = { assigned, unassigned, reminders, assignmentsIn, connected };

/** A row of the summary columns (plus "waitingSince") as the core reads it. */
function toSummary(row: Row): ConversationSummary {
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

/** The least text after every text that starts with `prefix`: its last character incremented. */
const afterPrefix = (prefix: string) =>
  `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;

/**
 * App Home's lists: one query per list, each on an index (Conversation by assignee and status, by inbox,
 * status and assignee; DeliveryJob by lane). "Waiting since" is computed only for the rows shown, on the
 * messages' (conversation, id) index.
 */
export class SqlHomeQueries implements HomeQueries {
  private readonly statements: Prepared<typeof definitions>;

  constructor(database: SqlDatabase) {
    this.statements = prepareAll(database, definitions);
  }

  async openAssignedTo(
    userId: string,
    inboxIds: readonly number[],
    limit: number,
  ): Promise<ConversationList> {
    if (inboxIds.length === 0) return { total: 0, summaries: [] };
    const rows = await this.statements.assigned.read({ userId, inboxIds, limit });
    return { total: Number(rows[0]?.total ?? 0), summaries: rows.map(toSummary) };
  }

  async unassignedOpen(inboxIds: readonly number[], limitPerInbox: number): Promise<readonly InboxQueue[]> {
    if (inboxIds.length === 0) return [];
    const rows = await this.statements.unassigned.read({ inboxIds, limit: limitPerInbox });
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

  async remindersOf(userId: string, inboxIds: readonly number[]): Promise<readonly ScheduledReminder[]> {
    if (inboxIds.length === 0) return [];
    const prefix = reminderLanePrefix(userId);
    const rows = await this.statements.reminders.read({ prefix, prefixEnd: afterPrefix(prefix), inboxIds });
    return rows.map((row) => ({
      jobId: Number(row.jobId),
      runAt: new Date(Number(row.runAt)),
      conversation: toSummary(row),
    }));
  }

  async openAssignmentsIn(slackChannelId: string): Promise<readonly Assignment[]> {
    const rows = await this.statements.assignmentsIn.read({ slackChannelId });
    return rows.map((row) => ({ conversationId: Number(row.conversationId), assigneeId: row.assigneeId }));
  }

  async connectedInboxes(): Promise<readonly Inbox[]> {
    return (await this.statements.connected.read({})).map(toInbox);
  }
}
