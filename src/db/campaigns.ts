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
import type { Id, Row } from "./campaign-statements.js";
import * as statements from "./campaign-statements.js";
import type { SqlDatabase } from "./sql/database.js";
import type { PreparedStatement, StatementDefinition } from "./sql/statement.js";
import { all, first } from "./sql/transaction.js";

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
      audienceAll: prepare(statements.audienceAll),
      audienceTagged: prepare(statements.audienceTagged),
      insertDraft: prepare(statements.insertDraft),
      campaignById: prepare(statements.campaignById),
      sending: prepare(statements.sending),
      moveStatus: prepare(statements.moveStatus),
      setProgressTs: prepare(statements.setProgressTs),
      advanceTick: prepare(statements.advanceTick),
      claimProgress: prepare(statements.claimProgress),
      insertRecipient: prepare(statements.insertRecipient),
      unresolved: prepare(statements.unresolved),
      due: prepare(statements.due),
      nextDue: prepare(statements.nextDue),
      markSending: prepare(statements.markSending),
      markSent: prepare(statements.markSent),
      defer: prepare(statements.defer),
      markFailed: prepare(statements.markFailed),
      counts: prepare(statements.counts),
      unquoted: prepare(statements.unquoted),
      markQuoted: prepare(statements.markQuoted),
      orphanTags: prepare(statements.orphanTags),
      orphanRecipients: prepare(statements.orphanRecipients),
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

  forgetOrphans(): Promise<number> {
    const { orphanTags, orphanRecipients } = this.statements;
    return this.database.transaction(function* () {
      return (yield* all(orphanTags, {})).length + (yield* all(orphanRecipients, {})).length;
    });
  }
}
