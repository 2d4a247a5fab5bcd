import type { Teammate } from "./assignment.js";
import type {
  Attachment,
  ChannelKind,
  Contact,
  ContactProfile,
  Conversation,
  ConversationContext,
  DeliveryReport,
  Inbox,
  MediaContent,
  Message,
  MessageStatus,
} from "./model.js";
import type { ReplyWindow, ReplyWindowRules } from "./policies/reply-window.js";

/* Ports: what the core needs from the outside world. Adapters in src/channels, src/slack and src/db
 * implement them; tests implement them in memory. Nothing here names an SDK. */

// ---- Customer channels (Twilio SMS, Messenger) ----

/** A file for the customer: the bytes, and a public, expiring link to them for providers that fetch. */
export interface OutboundMedia extends MediaContent {
  readonly publicUrl: string;
}

export interface OutboundRequest {
  readonly inboxAddress: string;
  readonly contactAddress: string;
  readonly text: string;
  readonly media: readonly OutboundMedia[];
  /** Our message id, so the provider's status callbacks can be matched. */
  readonly messageId: number;
  readonly lastInboundAt: Date | null;
  /**
   * The window the core decided the reply goes out in, for channels that declare `replyWindows`; null for
   * channels without one.
   */
  readonly replyWindow: ReplyWindow | null;
}

export interface OutboundResult {
  /** One id per provider message; a long text may be split into several. */
  readonly providerMessageIds: readonly string[];
  readonly status: MessageStatus;
}

/** One customer channel. Each channel folder provides one, registered in a Record<ChannelKind, …>. */
export interface CustomerChannel {
  readonly kind: ChannelKind;
  /** How agents call the channel ("SMS", "Messenger"). */
  readonly label: string;
  /** What an agent types to name an inbox of this channel in /threadline, for help texts. */
  readonly addressExample: string;
  /** Parses what an agent typed into the canonical inbox address, or returns null. */
  parseInboxAddress(input: string): string | null;
  /** How an address reads in Slack ("(555) 000-1111"). */
  formatAddress(address: string): string;
  /** False when the channel's credentials are not configured: inbound is refused and nothing is sent. */
  readonly enabled: boolean;
  /** Sends to the customer; throws DeliveryError, `transient` or not. */
  send(request: OutboundRequest): Promise<OutboundResult>;
  /** For channels that limit how long after the customer's last message a reply may be sent. */
  readonly replyWindows?: ReplyWindowRules;
  /**
   * The customer's name and picture, for channels that can look them up. Null when the provider has none to
   * give (it will not have one later either); throws DeliveryError when the lookup failed and may work later.
   */
  lookupContact?(contactAddress: string): Promise<ContactProfile | null>;
  /** How a contact whose name is unknown is called in Slack; the formatted address when absent. */
  fallbackContactName?(contactAddress: string): string;
  /**
   * Provider ids of messages already sent for `request` since `since`, if the provider can tell: after a
   * crash in the middle of a send, this is how the retry avoids texting the customer twice.
   */
  findSent?(request: OutboundRequest, since: Date): Promise<readonly string[]>;
  /** Downloads a file the customer sent (with the provider's credentials); throws DeliveryError. */
  fetchMedia(attachment: Attachment): Promise<MediaContent>;
  /** Why the channel can't carry this file to the customer, or null when it can. */
  refuseMedia(file: { contentType: string; size: number }): string | null;
  /** Whether a customer's message opts them out of (or back into) messages, for channels with such words. */
  optInChange(text: string): "opt_out" | "opt_in" | null;
}

/** Every channel, always: a disabled one still names and formats its addresses. */
export type ChannelRegistry = Readonly<Record<ChannelKind, CustomerChannel>>;

// ---- Slack ----

/** What the thread's parent message shows; src/slack renders it as Block Kit. */
export interface ParentView {
  readonly conversationId: number;
  readonly title: string;
  readonly contactAddress: string;
  readonly contactAvatarUrl: string | null;
  readonly channelLabel: string;
  readonly inboxAddress: string;
  readonly status: Conversation["status"];
  readonly assigneeId: string | null;
  readonly closedBy: string | null;
  readonly closedAt: Date | null;
  readonly optedOut: boolean;
  /** The signed link to the conversation's read-only transcript ("View all messages"), when available. */
  readonly transcriptUrl: string | null;
}

/** Builds signed links to transcript pages; the HTTP adapter signs and serves them. */
export interface TranscriptLinks {
  urlFor(conversationId: number): string;
}

export interface ThreadPost {
  readonly text: string;
  /** Shown as the poster's name (the customer's, for their messages). */
  readonly username?: string;
  readonly iconUrl?: string;
  /** Also show the reply in the channel. */
  readonly broadcast?: boolean;
  /** Our message id, carried as Slack message metadata so a post can be recognised after a crash. */
  readonly messageId?: number;
}

export interface SlackPort {
  postParent(channelId: string, view: ParentView): Promise<{ ts: string }>;
  updateParent(channelId: string, ts: string, view: ParentView): Promise<void>;
  postInThread(channelId: string, threadTs: string, post: ThreadPost): Promise<{ ts: string }>;
  /** Posts a top-level message in the channel (notices about the channel itself, not a conversation). */
  postInChannel(channelId: string, text: string): Promise<{ ts: string }>;
  /** Uploads a file into the thread (Slack's external upload flow). */
  uploadFile(channelId: string, threadTs: string, file: MediaContent): Promise<void>;
  /** Downloads a file an agent shared, with the bot token. */
  downloadFile(url: string): Promise<MediaContent>;
  /** Marks a message with an emoji reaction; an existing reaction is fine. */
  addReaction(channelId: string, ts: string, name: string): Promise<void>;
  /** Finds a post of ours carrying `messageId` in the thread, if an earlier attempt made it. */
  findPostedMessage(channelId: string, threadTs: string, messageId: number): Promise<{ ts: string } | null>;
  /** Finds the conversation's parent among the channel's posts since `since`, if an earlier attempt made it. */
  findPostedParent(channelId: string, conversationId: number, since: Date): Promise<{ ts: string } | null>;
  userDisplayName(userId: string): Promise<string>;
  /** The channel's members with their names, for the assignment menu (cached briefly by the adapter). */
  channelMembers(channelId: string): Promise<readonly Teammate[]>;
  /** Whether the app is a member of the channel (null when the channel does not exist). */
  channelMembership(channelId: string): Promise<{ isMember: boolean; name: string } | null>;
}

/** The logging the core does; pino's Logger satisfies it. */
export interface CoreLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

// ---- Persistence ----

export type JobKind =
  | "slack.postInbound"
  | "slack.postMedia"
  | "slack.updateParent"
  | "slack.notice"
  | "slack.channelNotice"
  | "slack.react"
  | "customer.send"
  | "contact.refreshProfile";

export interface JobPayloads {
  "slack.postInbound": { messageId: number; reopened?: boolean };
  /** One attachment of an inbound message, uploaded into the thread after its text. */
  "slack.postMedia": { messageId: number; index: number };
  "slack.react": { messageId: number; name: string };
  "slack.updateParent": { conversationId: number };
  "slack.notice": { conversationId: number; text: string };
  /** A top-level message in a channel, about the channel itself (e.g. an inbox moved away from it). */
  "slack.channelNotice": { channelId: string; text: string };
  "customer.send": { messageId: number };
  /**
   * Looks the contact's profile up and stores it. `inline`: queued on the conversation's Slack lane ahead of
   * its first post, so it never fails (a failed lookup hands over to a retrying job on the contact's lane).
   */
  "contact.refreshProfile": { conversationId: number; inline: boolean };
}

export type NewJob = {
  [K in JobKind]: { readonly lane: string; readonly kind: K; readonly payload: JobPayloads[K] };
}[JobKind];

export type Job = NewJob & {
  readonly id: number;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
};

export interface InboxCounts {
  readonly open: number;
  readonly closed: number;
  readonly unassigned: number;
}

/** The operations of one database transaction. */
export interface StoreTransaction {
  findInbox(kind: ChannelKind, address: string): Promise<Inbox | null>;
  upsertInbox(kind: ChannelKind, address: string): Promise<Inbox>;
  connectInbox(inboxId: number, slackChannelId: string | null, userId: string | null): Promise<Inbox>;
  /**
   * Keeps the current thread of each of the inbox's conversations as a past thread, before the inbox leaves
   * its channel: a reply typed there later is then recognised (see conversationByPastThread).
   */
  rememberThreads(inboxId: number): Promise<void>;
  upsertContact(kind: ChannelKind, address: string): Promise<Contact>;
  updateContact(
    contactId: number,
    changes: Partial<Pick<Contact, "displayName" | "avatarUrl">>,
  ): Promise<void>;
  /** The conversation of (inbox, contact), created if new. */
  upsertConversation(
    inboxId: number,
    contactId: number,
  ): Promise<{ conversation: Conversation; created: boolean }>;
  updateConversation(
    id: number,
    changes: Partial<Pick<Conversation, "status" | "assigneeId" | "closedBy" | "closedAt" | "lastInboundAt">>,
  ): Promise<Conversation>;
  findMessageByProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null>;
  findMessageBySlackTs(channelId: string, ts: string): Promise<Message | null>;
  /**
   * Outbound messages a delivery report covers: those with one of its provider ids, and every outbound
   * message of the conversation of (inbox, contact) created at or before `upTo`.
   */
  findReportedMessages(report: DeliveryReport): Promise<readonly Message[]>;
  createMessage(message: NewMessage): Promise<Message>;
  updateMessage(
    messageId: number,
    changes: Partial<
      Pick<
        Message,
        "slackChannelId" | "slackTs" | "providerMessageId" | "status" | "errorCode" | "errorMessage" | "body"
      >
    >,
  ): Promise<void>;
  enqueue(jobs: readonly NewJob[]): Promise<void>;
  setContactOptedOut(contactId: number, optedOut: boolean): Promise<void>;
  /**
   * Parked jobs of an inbox's conversations become runnable again (the inbox got a channel). Returns how
   * many customer messages were waiting for it.
   */
  unparkInbox(inboxId: number): Promise<number>;
}

export interface NewMessage {
  readonly conversationId: number;
  readonly direction: Message["direction"];
  readonly body: string;
  readonly attachments: readonly Attachment[];
  readonly provider: ChannelKind;
  readonly providerMessageId: string | null;
  readonly slackChannelId: string | null;
  readonly slackTs: string | null;
  readonly authorSlackUserId: string | null;
  readonly status: MessageStatus;
  readonly createdAt?: Date;
}

export interface Store extends StoreTransaction {
  /** Runs `work` atomically; concurrent transactions are serialised. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  conversationContext(conversationId: number): Promise<ConversationContext | null>;
  conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null>;
  /** The conversation a thread belonged to before its inbox moved or was disconnected. */
  conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null>;
  message(messageId: number): Promise<Message | null>;
  inboxById(inboxId: number): Promise<Inbox | null>;
  /** Keeps a file until `expiresAt` and returns the unguessable token that names it. */
  saveMedia(content: MediaContent, expiresAt: Date): Promise<string>;
  /** The file named by `token`, unless unknown or expired at `now`. */
  media(token: string, now: Date): Promise<MediaContent | null>;
  /** Puts posts to the inbox's channel on hold with the reason (or clears it). */
  setInboxProblem(inboxId: number, problem: string | null): Promise<void>;
  /** Customer messages of the inbox not yet in Slack. */
  waitingMessageCount(inboxId: number): Promise<number>;
  /** Records where the conversation's thread is. */
  setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void>;
  inboxesForChannel(slackChannelId: string): Promise<readonly Inbox[]>;
  countsForInbox(inboxId: number): Promise<InboxCounts>;

  /** Heads of lanes that are due, in id order, skipping `busyLanes`. */
  claimableJobs(limit: number, busyLanes: ReadonlySet<string>, now: number): Promise<readonly Job[]>;
  /** Marks an attempt as started (so a crash mid-attempt is recognisable on the next start). */
  startJob(jobId: number): Promise<void>;
  completeJob(jobId: number): Promise<void>;
  retryJob(jobId: number, runAt: number, error: string): Promise<void>;
  failJob(jobId: number, error: string): Promise<void>;
  parkJob(jobId: number, reason: string): Promise<void>;
  unparkJob(jobId: number): Promise<void>;
  nextJobDueAt(): Promise<number | null>;
  pendingJobCount(): Promise<number>;
  ping(): Promise<void>;
}
