/* Contact tags and campaigns: their port. One implementation written once on src/db/sql (src/db/campaigns.ts),
 * held to tests/contract/campaign-store.contract.ts on SQLite and PostgreSQL. */

/** A contact a campaign could reach, with what decides whether it may. */
export interface AudienceMember {
  readonly contactId: number;
  readonly address: string;
  /** Whether they opted out of this inbox. */
  readonly optedOut: boolean;
  /** Whether they ever wrote to this inbox (only those may get a campaign). */
  readonly textedInbox: boolean;
}

export type CampaignStatus = "draft" | "cancelled" | "sending" | "stopped" | "done";

export interface Campaign {
  readonly id: number;
  readonly inboxId: number;
  readonly inboxKind: string;
  readonly inboxAddress: string;
  readonly slackChannelId: string;
  readonly createdBy: string;
  /** `all`, or the tag it was sent to. */
  readonly audience: string;
  readonly body: string;
  readonly status: CampaignStatus;
  /** Contacts left out when it was sent, by reason. */
  readonly excluded: Readonly<Record<string, number>>;
  readonly progressTs: string | null;
  readonly tick: number;
  readonly stoppedBy: string | null;
}

export type RecipientStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

export interface CampaignRecipient {
  readonly id: number;
  readonly campaignId: number;
  readonly contactId: number;
  readonly address: string;
  readonly status: RecipientStatus;
  readonly notBefore: number;
  /** When the latest attempt began (epoch ms), for a recipient `sending`. */
  readonly attemptAt: number | null;
  /** Whether they have opted out of the campaign's inbox by now. */
  readonly optedOut: boolean;
}

export interface NewRecipient {
  readonly contactId: number;
  readonly address: string;
  readonly notBefore: number;
}

export type RecipientCounts = Readonly<Record<RecipientStatus, number>>;

/** What a recipient's answer quotes: the campaign message they got. */
export interface ReceivedCampaign {
  readonly recipientId: number;
  readonly campaignId: number;
  readonly body: string;
  readonly sentAt: number;
  readonly createdBy: string;
}

export interface ContactTags {
  /** Adds the tags; answers the contact's tags after. */
  tag(contactId: number, tags: readonly string[], userId: string, now: number): Promise<readonly string[]>;
  /** Removes the tags; answers the contact's tags after. */
  untag(contactId: number, tags: readonly string[]): Promise<readonly string[]>;
  tagsOf(contactId: number): Promise<readonly string[]>;
  /** The conversations with `address` (any channel kind) on the inboxes connected to the Slack channel. */
  conversationsInChannel(
    slackChannelId: string,
    address: string,
  ): Promise<readonly { readonly conversationId: number; readonly contactId: number }[]>;
}

export interface CampaignStore {
  /** Contacts of `kind` with `tag` (every contact with a conversation on the inbox when null). */
  audience(inboxId: number, kind: string, tag: string | null): Promise<readonly AudienceMember[]>;
  createDraft(draft: {
    inboxId: number;
    slackChannelId: string;
    createdBy: string;
    audience: string;
    body: string;
    now: number;
  }): Promise<number>;
  campaign(id: number): Promise<Campaign | null>;
  /** Campaigns still sending, with their tick: after a restart their chain of jobs is taken up again. */
  sendingCampaigns(): Promise<readonly { readonly id: number; readonly tick: number }[]>;
  /** Draft → cancelled; false when it was no longer a draft. */
  cancel(id: number, now: number): Promise<boolean>;
  /**
   * Draft → sending with its recipients, in one transaction; false (nothing written) when it was no longer a
   * draft (a second click).
   */
  start(
    id: number,
    recipients: readonly NewRecipient[],
    excluded: Readonly<Record<string, number>>,
    now: number,
  ): Promise<boolean>;
  setProgressTs(id: number, ts: string): Promise<void>;
  /** Sending → stopped; false when it was not sending. */
  stop(id: number, userId: string, now: number): Promise<boolean>;
  /** Sending → done. */
  finish(id: number, now: number): Promise<void>;
  /** Tick `from` → `from + 1`; false when the campaign's tick is not `from` (a duplicate job). */
  advanceTick(id: number, from: number): Promise<boolean>;
  /** True (and remembered) when no progress edit was queued in the last `intervalMs`. */
  claimProgressEdit(id: number, now: number, intervalMs: number): Promise<boolean>;
  /** The recipient whose attempt is unresolved, else the pending one due first (by `notBefore`, then id). */
  nextRecipient(campaignId: number, now: number): Promise<CampaignRecipient | null>;
  /** The pending recipient due first (by `notBefore`, then id), leaving out those whose attempt is under way. */
  dueRecipient(campaignId: number, now: number): Promise<CampaignRecipient | null>;
  /** When the earliest pending recipient is due, or null when none is pending. */
  nextDueAt(campaignId: number): Promise<number | null>;
  /** The attempt begins: recorded (committed) before the provider is called. */
  markSending(recipientId: number, now: number): Promise<void>;
  markSent(recipientId: number, providerMessageId: string, now: number): Promise<void>;
  /** Back to pending, due at `notBefore` (quiet hours where they are, or an attempt that surely did nothing). */
  defer(recipientId: number, notBefore: number): Promise<void>;
  markFailed(recipientId: number, status: "failed" | "skipped", reason: string): Promise<void>;
  counts(campaignId: number): Promise<RecipientCounts>;
  /** The latest campaign sent to the contact from the inbox that its thread has not quoted yet. */
  unquoted(inboxId: number, contactId: number): Promise<ReceivedCampaign | null>;
  /** Every campaign the contact got from the inbox is quoted now (their thread shows the latest). */
  markQuoted(inboxId: number, contactId: number): Promise<void>;
  /**
   * Deletes the tags and campaign recipients of contacts that no longer exist (erasure and retention delete
   * them with their contact; this catches rows an older version left).
   */
  forgetOrphans(): Promise<number>;
}
