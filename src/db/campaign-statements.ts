import { type ExpressionBuilder, sql } from "kysely";
import type { DB } from "./generated-kysely/types.js";
import { statement } from "./sql/statement.js";

/* The statements of the campaign store (campaigns.ts), written once for SQLite and PostgreSQL. */

export type Row = Record<string, unknown>;
export type Id = { id: number };

export const audienceAll = statement<{ inboxId: number }, Row>("campaign_audience_all", ({ db }, p) =>
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
export const audienceTagged = statement<{ inboxId: number; kind: string; tag: string }, Row>(
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
export const insertDraft = statement<DraftValues, Id>("campaign_insert_draft", ({ db }, p) =>
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

export const campaignById = statement<Id, Row>("campaign_by_id", ({ db }, p) =>
  db
    .selectFrom("Campaign")
    .innerJoin("Inbox", "Inbox.id", "Campaign.inboxId")
    .selectAll("Campaign")
    .select(["Inbox.kind as inboxKind", "Inbox.address as inboxAddress"])
    .where("Campaign.id", "=", p.id),
);

export const sending = statement<Record<string, never>, { id: number; tick: number }>(
  "campaign_sending",
  ({ db }) =>
    db.selectFrom("Campaign").select(["id", "tick"]).where("status", "=", sql.lit("sending")).orderBy("id"),
);

/** Moves a campaign from one status to another; returns the row when it was in `from`. */
export const moveStatus = statement<
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

export const setProgressTs = statement<Id & { ts: string }, never>("campaign_set_progress_ts", ({ db }, p) =>
  db.updateTable("Campaign").set({ progressTs: p.ts }).where("id", "=", p.id),
);

export const advanceTick = statement<Id & { from: number }, Id>("campaign_advance_tick", ({ db }, p) =>
  db
    .updateTable("Campaign")
    .set((eb) => ({ tick: eb(eb.ref("tick"), "+", 1) }))
    .where("id", "=", p.id)
    .where("tick", "=", p.from)
    .returning("id"),
);

export const claimProgress = statement<Id & { now: number; since: number }, Id>(
  "campaign_claim_progress",
  ({ db, integer }, p) =>
    db
      .updateTable("Campaign")
      .set({ progressQueuedAt: integer(p.now) })
      .where("id", "=", p.id)
      .where("progressQueuedAt", "<=", integer(p.since))
      .returning("id"),
);

export const insertRecipient = statement<
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
export const unresolved = statement<{ campaignId: number }, Row>(
  "campaign_unresolved_recipient",
  ({ db }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select(recipientColumns)
      .select(optedOutNow)
      .where("campaignId", "=", p.campaignId)
      .where("status", "=", sql.lit("sending"))
      .limit(1),
);

export const due = statement<{ campaignId: number; now: number }, Row>(
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

export const nextDue = statement<{ campaignId: number }, { at: number | string | null }>(
  "campaign_next_due",
  ({ db }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select((eb) => eb.fn.min("notBefore").as("at"))
      .where("campaignId", "=", p.campaignId)
      .where("status", "=", sql.lit("pending")),
);

export const markSending = statement<Id & { now: number }, never>(
  "campaign_mark_sending",
  ({ db, integer }, p) =>
    db
      .updateTable("CampaignRecipient")
      .set({ status: sql.lit("sending"), attemptAt: integer(p.now) })
      .where("id", "=", p.id),
);

export const markSent = statement<Id & { providerMessageId: string; now: number }, never>(
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

export const defer = statement<Id & { notBefore: number }, never>(
  "campaign_defer_recipient",
  ({ db, integer }, p) =>
    db
      .updateTable("CampaignRecipient")
      .set({ status: sql.lit("pending"), notBefore: integer(p.notBefore) })
      .where("id", "=", p.id),
);

export const markFailed = statement<Id & { status: string; reason: string }, never>(
  "campaign_mark_failed",
  ({ db }, p) =>
    db.updateTable("CampaignRecipient").set({ status: p.status, error: p.reason }).where("id", "=", p.id),
);

export const counts = statement<{ campaignId: number }, { status: string; count: number | string }>(
  "campaign_counts",
  ({ db }, p) =>
    db
      .selectFrom("CampaignRecipient")
      .select((eb) => ["status", eb.fn.countAll().as("count")])
      .where("campaignId", "=", p.campaignId)
      .groupBy("status"),
);

export const unquoted = statement<{ inboxId: number; contactId: number }, Row>(
  "campaign_unquoted",
  ({ db }, p) =>
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

export const markQuoted = statement<{ contactId: number; inboxId: number }, never>(
  "campaign_mark_quoted",
  ({ db }, p) =>
    db
      .updateTable("CampaignRecipient")
      .set({ quoted: sql.lit(true) })
      .where("contactId", "=", p.contactId)
      .where("status", "=", sql.lit("sent"))
      .where("campaignId", "in", db.selectFrom("Campaign").select("id").where("inboxId", "=", p.inboxId)),
);

export const orphanTags = statement<Record<string, never>, { contactId: number }>(
  "campaign_orphan_tags",
  ({ db }) =>
    db
      .deleteFrom("ContactTag")
      .where("contactId", "not in", db.selectFrom("Contact").select("id"))
      .returning("contactId"),
);
export const orphanRecipients = statement<Record<string, never>, Id>("campaign_orphan_recipients", ({ db }) =>
  db
    .deleteFrom("CampaignRecipient")
    .where("contactId", "not in", db.selectFrom("Contact").select("id"))
    .returning("id"),
);
