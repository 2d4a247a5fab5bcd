import type { ChannelKind } from "../core/model.js";
import type { DailySchedule, ReportHistory, ReportPeriod, Reports } from "../core/ports/reports.js";
import type { SqlDatabase } from "./sql/database.js";
import { type Prepared, prepareAll } from "./sql/prepare-all.js";
import { statement } from "./sql/statement.js";

interface Range {
  channelId: string;
  from: Date;
  to: Date;
}

const opened = statement<Range, { id: number }>("report_opened", ({ db }, p) =>
  db
    .selectFrom("Conversation")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .select("Conversation.id")
    .where("Inbox.slackChannelId", "=", p.channelId)
    .where("Conversation.createdAt", ">=", p.from)
    .where("Conversation.createdAt", "<", p.to),
);

const closed = statement<Range, { closedBy: string | null }>("report_closed", ({ db }, p) =>
  db
    .selectFrom("Conversation")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .select("Conversation.closedBy")
    .where("Inbox.slackChannelId", "=", p.channelId)
    .where("Conversation.status", "=", "closed")
    .where("Conversation.closedAt", ">=", p.from)
    .where("Conversation.closedAt", "<", p.to),
);

const messages = statement<
  Range,
  {
    conversationId: number;
    direction: string;
    provider: string;
    status: string;
    authorSlackUserId: string | null;
    createdAt: Date | string;
  }
>("report_messages", ({ db }, p) =>
  db
    .selectFrom("Message")
    .innerJoin("Conversation", "Conversation.id", "Message.conversationId")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .select([
      "Message.conversationId",
      "Message.direction",
      "Message.provider",
      "Message.status",
      "Message.authorSlackUserId",
      "Message.createdAt",
    ])
    .where("Inbox.slackChannelId", "=", p.channelId)
    .where("Message.createdAt", ">=", p.from)
    .where("Message.createdAt", "<", p.to)
    .orderBy("Message.id"),
);

const nudges = statement<Range, { conversationId: number }>("report_nudges", ({ db }, p) =>
  db
    .selectFrom("Nudge")
    .innerJoin("Conversation", "Conversation.id", "Nudge.conversationId")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .select("Nudge.conversationId")
    .where("Inbox.slackChannelId", "=", p.channelId)
    .where("Nudge.postedAt", ">=", p.from)
    .where("Nudge.postedAt", "<", p.to),
);

const scores = statement<Range, { score: number | null }>("report_scores", ({ db }, p) =>
  db
    .selectFrom("CsatSurvey")
    .select("score")
    .where("slackChannelId", "=", p.channelId)
    .where("answeredAt", ">=", p.from)
    .where("answeredAt", "<", p.to),
);

const readSchedule = statement<{ channelId: string }, { time: string; lastPostedDay: string | null }>(
  "report_schedule_read",
  ({ db }, p) =>
    db.selectFrom("DailyReport").select(["time", "lastPostedDay"]).where("slackChannelId", "=", p.channelId),
);

const saveSchedule = statement<{ channelId: string; time: string; userId: string; now: Date }, never>(
  "report_schedule_save",
  ({ db }, p) =>
    db
      .insertInto("DailyReport")
      .values({ slackChannelId: p.channelId, time: p.time, updatedBy: p.userId, updatedAt: p.now })
      .onConflict((conflict) =>
        conflict
          .column("slackChannelId")
          .doUpdateSet({ time: p.time, updatedBy: p.userId, updatedAt: p.now }),
      ),
);

const deleteSchedule = statement<{ channelId: string }, never>("report_schedule_delete", ({ db }, p) =>
  db.deleteFrom("DailyReport").where("slackChannelId", "=", p.channelId),
);

/** One statement: racing jobs (two instances, two chains) meet on the row, and one of them wins the day. */
const claimDay = statement<{ channelId: string; time: string; day: string; jobId: number }, { time: string }>(
  "report_claim_day",
  ({ db }, p) =>
    db
      .updateTable("DailyReport")
      .set({ lastPostedDay: p.day, lastJobId: p.jobId })
      .where("slackChannelId", "=", p.channelId)
      .where("time", "=", p.time)
      .where((eb) =>
        eb.or([
          eb("lastPostedDay", "is", null),
          eb("lastPostedDay", "<>", p.day),
          eb("lastJobId", "=", p.jobId),
        ]),
      )
      .returning("time"),
);

const definitions = {
  opened,
  closed,
  messages,
  nudges,
  scores,
  readSchedule,
  saveSchedule,
  deleteSchedule,
  claimDay,
};
const dateOf = (value: Date | string): Date =>
  value instanceof Date
    ? value
    : new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);

/** A channel's history for reports on either database, written once (decision 0024). Cold: a few reads. */
export class SqlReports implements Reports {
  private readonly statements: Prepared<typeof definitions>;

  constructor(database: SqlDatabase) {
    this.statements = prepareAll(database, definitions);
  }

  async history(period: ReportPeriod): Promise<ReportHistory> {
    const range = { channelId: period.channelId, from: period.from, to: period.to };
    const s = this.statements;
    const [openedRows, closedRows, messageRows, nudgeRows, scoreRows] = await Promise.all([
      s.opened.read(range),
      s.closed.read(range),
      s.messages.read({ ...range, from: period.waitsFrom }),
      s.nudges.read(range),
      s.scores.read(range),
    ]);
    return {
      opened: openedRows.length,
      closedBy: closedRows.map((row) => row.closedBy),
      messages: messageRows.map((row) => ({
        conversationId: Number(row.conversationId),
        direction: row.direction === "in" ? "in" : "out",
        kind: row.provider as ChannelKind,
        status: row.status,
        authorId: row.authorSlackUserId,
        at: dateOf(row.createdAt),
      })),
      nudges: nudgeRows.length,
      scores: scoreRows.flatMap((row) => (row.score === null ? [] : [Number(row.score)])),
    };
  }

  async dailySchedule(channelId: string): Promise<DailySchedule | null> {
    const [row] = await this.statements.readSchedule.read({ channelId });
    return row ? { time: row.time, lastPostedDay: row.lastPostedDay } : null;
  }

  async setDailySchedule(channelId: string, time: string | null, userId: string): Promise<void> {
    if (time === null) await this.statements.deleteSchedule.commitNow({ channelId });
    else await this.statements.saveSchedule.commitNow({ channelId, time, userId, now: new Date() });
  }

  async claimDay(channelId: string, time: string, day: string, jobId: number): Promise<boolean> {
    return (await this.statements.claimDay.commitNow({ channelId, time, day, jobId })).length > 0;
  }
}
