import { type ExpressionBuilder, sql } from "kysely";
import type {
  AudienceMember,
  Campaign,
  CampaignRecipient,
  CampaignStatus,
  CampaignStore,
  NewRecipient,
  ReceivedCampaign,
  RecipientCounts,
  RecipientStatus,
} from "../core/ports/campaigns.js";
import type { DB } from "./generated-kysely/types.js";
import type { SqlBuilder } from "./sql/builder.js";
import type { SqlDatabase } from "./sql/database.js";
import { type Params, type PreparedStatement, type StatementDefinition, statement } from "./sql/statement.js";
import { all, first } from "./sql/transaction.js";

type Row = Record<string, unknown>;
type Id = { id: number };

const audienceAll = statement<{ inboxId: number }, Row>("campaign_audience_all", ({ db }, p) =>
  db
    .selectFrom("Conversation")
    .innerJoin("Contact", "Contact.id", "Conversation.contactId")
    .select([
      "Contact.id as contactId",
      "Contact.address",
      "Conversation.optedOut",
      "Conversation.lastInboundAt",
    ])
    .where("Conversation.inboxId", "=", p.inboxId)
    .orderBy("Contact.id"),
);

/** Every contact of the inbox's kind with the tag, with their conversation on the inbox when they have one. */
const audienceTagged = statement<{ inboxId: number; kind: string; tag: string }, Row>(
  "campaign_audience_tagged",
  ({ db }, p) =>
    db
      .selectFrom("ContactTag")
      .innerJoin("Contact", "Contact.id", "ContactTag.contactId")
      .leftJoin("Conversation", (join) =>
        join.onRef("Conversation.contactId", "=", "Contact.id").on("Conversation.inboxId", "=", p.inboxId),
      )
      .select([
        "Contact.id as contactId",
        "Contact.address",
        "Conversation.optedOut",
        "Conversation.lastInboundAt",
      ])
      .where("ContactTag.tag", "=", p.tag)
      .where("Contact.kind", "=", p.kind)
      .orderBy("Contact.id"),
);

type DraftValues = {
  inboxId: number;
  slackChannelId: string;
  createdBy: string;
  audience: string;
  body: string;
  now: Date;
};
const insertDraft = statement<DraftValues, Id>("campaign_insert_draft", ({ db }, p) =>
  db
    .insertInto("Campaign")
    .values({
      inboxId: p.inboxId,
      slackChannelId: p.slackChannelId,
      createdBy: p.createdBy,
      audience: p.audience,
      body: p.body,
      status: sql.lit("draft"),
      createdAt: p.now,
      updatedAt: p.now,
    })
    .returning("id"),
);

const campaignById = statement<Id, Row>("campaign_by_id", ({ db }, p) =>
  db
    .selectFrom("Campaign")
    .innerJoin("Inbox", "Inbox.id", "Campaign.inboxId")
    .selectAll("Campaign")
    .select(["Inbox.kind as inboxKind", "Inbox.address as inboxAddress"])
    .where("Campaign.id", "=", p.id),
);

const sending = statement<Record<string, never>, { id: number; tick: number }>("campaign_sending", ({ db }) =>
  db.selectFrom("Campaign").select(["id", "tick"]).where("status", "=", sql.lit("sending")).orderBy("id"),
);

/** Moves a campaign from one status to another; returns the row when it was in `from`. */
const moveStatus = statement<
  Id & { from: string; to: string; excluded: string | null; stoppedBy: string | null; now: Date },
  Id
>("campaign_move_status", ({ db }, p) =>
  db
    .updateTable("Campaign")
    .set((eb) => ({
      status: p.to,
      excluded: eb.fn.coalesce(p.excluded, eb.ref("excluded")),
      stoppedBy: eb.fn.coalesce(p.stoppedBy, eb.ref("stoppedBy")),
      updatedAt: p.now,
    }))
    .where("id", "=", p.id)
    .where("status", "=", p.from)
    .returning("id"),
);

const setProgressTs = statement<Id & { ts: string }, never>("campaign_set_progress_ts", ({ db }, p) =>
  db.updateTable("Campaign").set({ progressTs: p.ts }).where("id", "=", p.id),
);

const advanceTick = statement<Id & { from: number }, Id>("campaign_advance_tick", ({ db }, p) =>
  db
    .updateTable("Campaign")
    .set((eb) => ({ tick: eb(eb.ref("tick"), "+", 1) }))
    .where("id", "=", p.id)
    .where("tick", "=", p.from)
    .returning("id"),
);

const claimProgress = statement<Id & { now: number; since: number }, Id>(
  "campaign_claim_progress",
  ({ db, integer }, p) =>
    db
      .updateTable("Campaign")
      .set({ progressQueuedAt: integer(p.now) })
      .where("id", "=", p.id)
      .where("progressQueuedAt", "<=", integer(p.since))
      .returning("id"),
);

const insertRecipient = statement<
  { campaignId: number; contactId: number; address: string; notBefore: number },
  never
>("campaign_insert_recipient", ({ db, integer }, p) =>
  db.insertInto("CampaignRecipient").values({
    campaignId: p.campaignId,
    contactId: p.contactId,
    address: p.address,
    status: sql.lit("pending"),
    notBefore: integer(p.notBefore),
  }),
);

const recipientColumns = [
  "id",
  "campaignId",
  "contactId",
  "address",
  "status",
  "notBefore",
  "attemptAt",
] as const;

/** Whether the recipient has opted out of the campaign's inbox by now, read with the recipient. */
const optedOutNow = (eb: ExpressionBuilder<DB, "CampaignRecipient">) =>
  eb
    .selectFrom("Conversation")
    .innerJoin("Campaign", "Campaign.inboxId", "Conversation.inboxId")
    .select("Conversation.optedOut")
    .whereRef("Campaign.id", "=", "CampaignRecipient.campaignId")
    .whereRef("Conversation.contactId", "=", "CampaignRecipient.contactId")
    .limit(1)
    .as("optedOut");

/** An attempt left unresolved (`sending`) comes first: its outcome is settled before anyone else is sent to. */
const unresolved = statement<{ campaignId: number }, Row>("campaign_unresolved_recipient", ({ db }, p) =>
  db
    .selectFrom("CampaignRecipient")
    .select(recipientColumns)
    .select(optedOutNow)
    .where("campaignId", "=", p.campaignId)
    .where("status", "=", sql.lit("sending"))
    .limit(1),
);

const due = statement<{ campaignId: number; now: number }, Row>(
  "campaign_due_recipient",
  ({ db, integer }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select(recipientColumns)
      .select(optedOutNow)
      .where("campaignId", "=", p.campaignId)
      .where("status", "=", sql.lit("pending"))
      .where("notBefore", "<=", integer(p.now))
      .orderBy("notBefore")
      .orderBy("id")
      .limit(1),
);

const nextDue = statement<{ campaignId: number }, { at: number | string | null }>(
  "campaign_next_due",
  ({ db }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select((eb) => eb.fn.min("notBefore").as("at"))
      .where("campaignId", "=", p.campaignId)
      .where("status", "=", sql.lit("pending")),
);

const markSending = statement<Id & { now: number }, never>("campaign_mark_sending", ({ db, integer }, p) =>
  db
    .updateTable("CampaignRecipient")
    .set({ status: sql.lit("sending"), attemptAt: integer(p.now) })
    .where("id", "=", p.id),
);

const markSent = statement<Id & { providerMessageId: string; now: number }, never>(
  "campaign_mark_sent",
  ({ db, integer }, p) =>
    db
      .updateTable("CampaignRecipient")
      .set({
        status: sql.lit("sent"),
        providerMessageId: p.providerMessageId,
        sentAt: integer(p.now),
        error: null,
      })
      .where("id", "=", p.id),
);

const defer = statement<Id & { notBefore: number }, never>("campaign_defer_recipient", ({ db, integer }, p) =>
  db
    .updateTable("CampaignRecipient")
    .set({ status: sql.lit("pending"), notBefore: integer(p.notBefore) })
    .where("id", "=", p.id),
);

const markFailed = statement<Id & { status: string; reason: string }, never>(
  "campaign_mark_failed",
  ({ db }, p) =>
    db.updateTable("CampaignRecipient").set({ status: p.status, error: p.reason }).where("id", "=", p.id),
);

const counts = statement<{ campaignId: number }, { status: string; count: number | string }>(
  "campaign_counts",
  ({ db }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select((eb) => ["status", eb.fn.countAll().as("count")])
      .where("campaignId", "=", p.campaignId)
      .groupBy("status"),
);

const unquoted = statement<{ inboxId: number; contactId: number }, Row>("campaign_unquoted", ({ db }, p) =>
  db
    .selectFrom("CampaignRecipient")
    .innerJoin("Campaign", "Campaign.id", "CampaignRecipient.campaignId")
    .select([
      "CampaignRecipient.id as recipientId",
      "Campaign.id as campaignId",
      "Campaign.body",
      "Campaign.createdBy",
      "CampaignRecipient.sentAt",
    ])
    .where("Campaign.inboxId", "=", p.inboxId)
    .where("CampaignRecipient.contactId", "=", p.contactId)
    .where("CampaignRecipient.status", "=", sql.lit("sent"))
    .where("CampaignRecipient.quoted", "=", sql.lit(false))
    .orderBy("CampaignRecipient.sentAt", "desc")
    .limit(1),
);

const markQuoted = statement<{ contactId: number; inboxId: number }, never>(
  "campaign_mark_quoted",
  ({ db }, p) =>
    db
      .updateTable("CampaignRecipient")
      .set({ quoted: sql.lit(true) })
      .where("contactId", "=", p.contactId)
      .where("status", "=", sql.lit("sent"))
      .where("campaignId", "in", db.selectFrom("Campaign").select("id").where("inboxId", "=", p.inboxId)),
);

type ContactValues = { kind: string; address: string };
const contactIds = (db: SqlBuilder["db"], p: Params<ContactValues>) =>
  db.selectFrom("Contact").select("id").where("kind", "=", p.kind).where("address", "=", p.address);

const forgetTags = statement<ContactValues, { contactId: number }>("campaign_forget_tags", ({ db }, p) =>
  db.deleteFrom("ContactTag").where("contactId", "in", contactIds(db, p)).returning("contactId"),
);
const forgetRecipients = statement<ContactValues, Id>("campaign_forget_recipients", ({ db }, p) =>
  db.deleteFrom("CampaignRecipient").where("contactId", "in", contactIds(db, p)).returning("id"),
);
const orphanTags = statement<Record<string, never>, { contactId: number }>("campaign_orphan_tags", ({ db }) =>
  db
    .deleteFrom("ContactTag")
    .where("contactId", "not in", db.selectFrom("Contact").select("id"))
    .returning("contactId"),
);
const orphanRecipients = statement<Record<string, never>, Id>("campaign_orphan_recipients", ({ db }) =>
  db
    .deleteFrom("CampaignRecipient")
    .where("contactId", "not in", db.selectFrom("Contact").select("id"))
    .returning("id"),
);

const toRecipient = (row: Row): CampaignRecipient => ({
  id: Number(row.id),
  campaignId: Number(row.campaignId),
  contactId: Number(row.contactId),
  address: String(row.address),
  status: row.status as RecipientStatus,
  notBefore: Number(row.notBefore),
  attemptAt: row.attemptAt === null || row.attemptAt === undefined ? null : Number(row.attemptAt),
  optedOut: Boolean(row.optedOut),
});

const toCampaign = (row: Row): Campaign => ({
  id: Number(row.id),
  inboxId: Number(row.inboxId),
  inboxKind: String(row.inboxKind),
  inboxAddress: String(row.inboxAddress),
  slackChannelId: String(row.slackChannelId),
  createdBy: String(row.createdBy),
  audience: String(row.audience),
  body: String(row.body),
  status: row.status as CampaignStatus,
  excluded: JSON.parse(String(row.excluded)) as Record<string, number>,
  progressTs: row.progressTs === null ? null : String(row.progressTs),
  tick: Number(row.tick),
  stoppedBy: row.stoppedBy === null ? null : String(row.stoppedBy),
});

const toMember = (row: Row): AudienceMember => ({
  contactId: Number(row.contactId),
  address: String(row.address),
  optedOut: Boolean(row.optedOut),
  textedInbox: row.lastInboundAt !== null && row.lastInboundAt !== undefined,
});

/** Campaigns and their recipients in the database, written once for SQLite and PostgreSQL. */
export class SqlCampaignStore implements CampaignStore {
  private readonly statements;

  constructor(private readonly database: SqlDatabase) {
    const prepare = <V, R>(definition: StatementDefinition<V, R>): PreparedStatement<V, R> =>
      database.prepare(definition);
    this.statements = {
      audienceAll: prepare(audienceAll),
      audienceTagged: prepare(audienceTagged),
      insertDraft: prepare(insertDraft),
      campaignById: prepare(campaignById),
      sending: prepare(sending),
      moveStatus: prepare(moveStatus),
      setProgressTs: prepare(setProgressTs),
      advanceTick: prepare(advanceTick),
      claimProgress: prepare(claimProgress),
      insertRecipient: prepare(insertRecipient),
      unresolved: prepare(unresolved),
      due: prepare(due),
      nextDue: prepare(nextDue),
      markSending: prepare(markSending),
      markSent: prepare(markSent),
      defer: prepare(defer),
      markFailed: prepare(markFailed),
      counts: prepare(counts),
      unquoted: prepare(unquoted),
      markQuoted: prepare(markQuoted),
      forgetTags: prepare(forgetTags),
      forgetRecipients: prepare(forgetRecipients),
      orphanTags: prepare(orphanTags),
      orphanRecipients: prepare(orphanRecipients),
    };
  }

  async audience(inboxId: number, kind: string, tag: string | null): Promise<readonly AudienceMember[]> {
    const rows =
      tag === null
        ? await this.statements.audienceAll.read({ inboxId })
        : await this.statements.audienceTagged.read({ inboxId, kind, tag });
    return rows.map(toMember);
  }

  async createDraft(draft: {
    inboxId: number;
    slackChannelId: string;
    createdBy: string;
    audience: string;
    body: string;
    now: number;
  }): Promise<number> {
    const [row] = await this.statements.insertDraft.commitNow({ ...draft, now: new Date(draft.now) });
    return Number((row as Id).id);
  }

  async campaign(id: number): Promise<Campaign | null> {
    const [row] = await this.statements.campaignById.read({ id });
    return row ? toCampaign(row) : null;
  }

  async sendingCampaigns(): Promise<readonly { id: number; tick: number }[]> {
    const rows = await this.statements.sending.read({});
    return rows.map((row) => ({ id: Number(row.id), tick: Number(row.tick) }));
  }

  private async move(
    id: number,
    from: CampaignStatus,
    to: CampaignStatus,
    now: number,
    stoppedBy: string | null = null,
  ): Promise<boolean> {
    const rows = await this.statements.moveStatus.commitNow({
      id,
      from,
      to,
      excluded: null,
      stoppedBy,
      now: new Date(now),
    });
    return rows.length > 0;
  }

  cancel(id: number, now: number): Promise<boolean> {
    return this.move(id, "draft", "cancelled", now);
  }

  start(
    id: number,
    recipients: readonly NewRecipient[],
    excluded: Readonly<Record<string, number>>,
    now: number,
  ): Promise<boolean> {
    const { moveStatus, insertRecipient } = this.statements;
    return this.database.transaction(function* () {
      const moved = yield* first(moveStatus, {
        id,
        from: "draft",
        to: "sending",
        excluded: JSON.stringify(excluded),
        stoppedBy: null,
        now: new Date(now),
      });
      if (!moved) return false;
      for (const recipient of recipients) yield* all(insertRecipient, { campaignId: id, ...recipient });
      return true;
    });
  }

  async setProgressTs(id: number, ts: string): Promise<void> {
    await this.statements.setProgressTs.commitNow({ id, ts });
  }

  stop(id: number, userId: string, now: number): Promise<boolean> {
    return this.move(id, "sending", "stopped", now, userId);
  }

  async finish(id: number, now: number): Promise<void> {
    await this.move(id, "sending", "done", now);
  }

  async advanceTick(id: number, from: number): Promise<boolean> {
    return (await this.statements.advanceTick.commitNow({ id, from })).length > 0;
  }

  async claimProgressEdit(id: number, now: number, intervalMs: number): Promise<boolean> {
    return (await this.statements.claimProgress.commitNow({ id, now, since: now - intervalMs })).length > 0;
  }

  async nextRecipient(campaignId: number, now: number): Promise<CampaignRecipient | null> {
    const [open] = await this.statements.unresolved.read({ campaignId });
    if (open) return toRecipient(open);
    const [row] = await this.statements.due.read({ campaignId, now });
    return row ? toRecipient(row) : null;
  }

  async dueRecipient(campaignId: number, now: number): Promise<CampaignRecipient | null> {
    const [row] = await this.statements.due.read({ campaignId, now });
    return row ? toRecipient(row) : null;
  }

  async nextDueAt(campaignId: number): Promise<number | null> {
    const [row] = await this.statements.nextDue.read({ campaignId });
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  async markSending(recipientId: number, now: number): Promise<void> {
    await this.statements.markSending.commitNow({ id: recipientId, now });
  }

  async markSent(recipientId: number, providerMessageId: string, now: number): Promise<void> {
    await this.statements.markSent.commitNow({ id: recipientId, providerMessageId, now });
  }

  async defer(recipientId: number, notBefore: number): Promise<void> {
    await this.statements.defer.commitNow({ id: recipientId, notBefore });
  }

  async markFailed(recipientId: number, status: "failed" | "skipped", reason: string): Promise<void> {
    await this.statements.markFailed.commitNow({ id: recipientId, status, reason });
  }

  async counts(campaignId: number): Promise<RecipientCounts> {
    const result: Record<RecipientStatus, number> = {
      pending: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      skipped: 0,
    };
    for (const row of await this.statements.counts.read({ campaignId })) {
      result[row.status as RecipientStatus] = Number(row.count);
    }
    return result;
  }

  async unquoted(inboxId: number, contactId: number): Promise<ReceivedCampaign | null> {
    const [row] = await this.statements.unquoted.read({ inboxId, contactId });
    if (!row) return null;
    return {
      recipientId: Number(row.recipientId),
      campaignId: Number(row.campaignId),
      body: String(row.body),
      createdBy: String(row.createdBy),
      sentAt: Number(row.sentAt),
    };
  }

  async markQuoted(inboxId: number, contactId: number): Promise<void> {
    await this.statements.markQuoted.commitNow({ inboxId, contactId });
  }

  forgetContacts(contacts: readonly ContactValues[]): Promise<number> {
    const { forgetTags, forgetRecipients } = this.statements;
    return this.database.transaction(function* () {
      let rows = 0;
      for (const contact of contacts) {
        rows += (yield* all(forgetTags, contact)).length;
        rows += (yield* all(forgetRecipients, contact)).length;
      }
      return rows;
    });
  }

  forgetOrphans(): Promise<number> {
    const { orphanTags, orphanRecipients } = this.statements;
    return this.database.transaction(function* () {
      return (yield* all(orphanTags, {})).length + (yield* all(orphanRecipients, {})).length;
    });
  }
}
