import { sql } from "kysely";
import type { ChannelKind } from "../core/model.js";
import type { NewSurvey, OpenSurvey, Satisfaction, SurveySetting } from "../core/ports/satisfaction.js";
import type { SqlDatabase } from "./sql/database.js";
import { type Prepared, prepareAll } from "./sql/prepare-all.js";
import { statement } from "./sql/statement.js";
import { first } from "./sql/transaction.js";

const readSetting = statement<{ channelId: string }, { question: string | null }>(
  "csat_setting_read",
  ({ db }, p) => db.selectFrom("CsatSetting").select("question").where("slackChannelId", "=", p.channelId),
);

const saveSetting = statement<
  { channelId: string; question: string | null; userId: string; now: Date },
  never
>("csat_setting_save", ({ db }, p) =>
  db
    .insertInto("CsatSetting")
    .values({ slackChannelId: p.channelId, question: p.question, updatedBy: p.userId, updatedAt: p.now })
    .onConflict((conflict) =>
      conflict
        .column("slackChannelId")
        .doUpdateSet({ question: p.question, updatedBy: p.userId, updatedAt: p.now }),
    ),
);

const deleteSetting = statement<{ channelId: string }, never>("csat_setting_delete", ({ db }, p) =>
  db.deleteFrom("CsatSetting").where("slackChannelId", "=", p.channelId),
);

const lockConversation = statement<{ conversationId: number }, { id: number }>(
  "csat_lock_conversation",
  ({ db, locked }, p) =>
    locked(db.selectFrom("Conversation").select("id").where("id", "=", p.conversationId)),
);

const askedSince = statement<{ conversationId: number; since: Date }, { id: number }>(
  "csat_asked_since",
  ({ db }, p) =>
    db
      .selectFrom("CsatSurvey")
      .select("id")
      .where("conversationId", "=", p.conversationId)
      .where("sentAt", ">=", p.since),
);

const insertQuestion = statement<
  { conversationId: number; provider: string; body: string; now: Date },
  { id: number }
>("csat_insert_question", ({ db }, p) =>
  db
    .insertInto("Message")
    .values({
      conversationId: p.conversationId,
      direction: sql.lit("out"),
      body: p.body,
      provider: p.provider,
      status: sql.lit("pending"),
      createdAt: p.now,
      updatedAt: p.now,
    })
    .returning("id"),
);

const insertSurvey = statement<
  { conversationId: number; messageId: number; channelId: string; now: Date },
  never
>("csat_insert_survey", ({ db }, p) =>
  db.insertInto("CsatSurvey").values({
    conversationId: p.conversationId,
    messageId: p.messageId,
    slackChannelId: p.channelId,
    sentAt: p.now,
  }),
);

const openSurvey = statement<
  { kind: string; inboxAddress: string; contactAddress: string; since: Date },
  { id: number; conversationId: number }
>("csat_open_survey", ({ db }, p) =>
  db
    .selectFrom("CsatSurvey")
    .innerJoin("Conversation", "Conversation.id", "CsatSurvey.conversationId")
    .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
    .innerJoin("Contact", "Contact.id", "Conversation.contactId")
    .select(["CsatSurvey.id", "CsatSurvey.conversationId"])
    .where("Inbox.kind", "=", p.kind)
    .where("Inbox.address", "=", p.inboxAddress)
    .where("Contact.kind", "=", p.kind)
    .where("Contact.address", "=", p.contactAddress)
    .where("CsatSurvey.score", "is", null)
    .where("CsatSurvey.sentAt", ">=", p.since)
    .orderBy("CsatSurvey.id", "desc")
    .limit(1),
);

const answer = statement<{ surveyId: number; score: number; at: Date }, { id: number }>(
  "csat_answer",
  ({ db }, p) =>
    db
      .updateTable("CsatSurvey")
      .set({ score: p.score, answeredAt: p.at })
      .where("id", "=", p.surveyId)
      .where("score", "is", null)
      .returning("id"),
);

const definitions = {
  readSetting,
  saveSetting,
  deleteSetting,
  lockConversation,
  askedSince,
  insertQuestion,
  insertSurvey,
  openSurvey,
  answer,
};

/** Customer satisfaction on either database, written once (decision 0024). */
export class SqlSatisfaction implements Satisfaction {
  private readonly statements: Prepared<typeof definitions>;

  constructor(private readonly database: SqlDatabase) {
    this.statements = prepareAll(database, definitions);
  }

  async setting(channelId: string): Promise<SurveySetting | null> {
    const [row] = await this.statements.readSetting.read({ channelId });
    return row ? { question: row.question } : null;
  }

  async setSetting(channelId: string, setting: SurveySetting | null, userId: string): Promise<void> {
    if (setting === null) await this.statements.deleteSetting.commitNow({ channelId });
    else {
      await this.statements.saveSetting.commitNow({
        channelId,
        question: setting.question,
        userId,
        now: new Date(),
      });
    }
  }

  recordSurvey(survey: NewSurvey): Promise<number | null> {
    const s = this.statements;
    return this.database.transaction(function* () {
      const { conversationId, now } = survey;
      // Two closes racing (two instances, a double click) ask once: the second waits here and sees the first.
      if (!(yield* first(s.lockConversation, { conversationId }))) return null;
      if (yield* first(s.askedSince, { conversationId, since: survey.notAskedSince })) return null;
      const message = yield* first(s.insertQuestion, {
        conversationId,
        provider: survey.provider,
        body: survey.text,
        now,
      });
      const messageId = Number(message?.id);
      yield* first(s.insertSurvey, { conversationId, messageId, channelId: survey.slackChannelId, now });
      return messageId;
    });
  }

  async openSurvey(
    message: { kind: ChannelKind; inboxAddress: string; contactAddress: string },
    since: Date,
  ): Promise<OpenSurvey | null> {
    const [row] = await this.statements.openSurvey.read({ ...message, since });
    return row ? { surveyId: Number(row.id), conversationId: Number(row.conversationId) } : null;
  }

  async answer(surveyId: number, score: number, at: Date): Promise<boolean> {
    return (await this.statements.answer.commitNow({ surveyId, score, at })).length > 0;
  }
}
