import type {
  Attachment,
  ChannelKind,
  Contact,
  ContactProfile,
  Conversation,
  ConversationContext,
  DeliveryReport,
  InboundMessage,
  Inbox,
  MediaContent,
  Message,
  MessageStatus,
  Nudge,
  SentPart,
  TeamSettings,
} from "../model.js";
import type { HomeQueries } from "./home.js";
import type { NewJob } from "./queue.js";

/* The conversation store's port. Each write is one short transaction that commits the state change together
 * with the jobs it causes (the outbox), so a side effect is never lost nor run for a change that rolled back.
 * The core decides what changes with pure functions the store calls inside its transaction. */

export interface InboxCounts {
  readonly open: number;
  readonly closed: number;
  readonly unassigned: number;
}

export type ConversationChanges = Partial<
  Pick<
    Conversation,
    | "status"
    | "optedOut"
    | "assigneeId"
    | "closedBy"
    | "closedAt"
    | "lastInboundAt"
    | "awayRepliedUntil"
    | "unansweredSince"
  >
>;

export type MessageChanges = Partial<
  Pick<
    Message,
    "slackChannelId" | "slackTs" | "providerMessageId" | "status" | "errorCode" | "errorMessage" | "body"
  >
>;

/** What an inbound message found, for the core to decide what it changes. */
export interface InboundState {
  readonly inbox: Inbox;
  readonly contact: Contact;
  readonly conversation: Conversation;
  readonly created: boolean;
  /** The settings of the channel the inbox is connected to; null when it is connected to none. */
  readonly team: TeamSettings | null;
}

export interface InboundEffects {
  readonly conversation: ConversationChanges;
  /** An automatic answer to record (outbound, pending, no author): its id is `autoReplyId`. */
  readonly autoReply?: string;
  readonly jobs: (ids: {
    conversationId: number;
    messageId: number;
    autoReplyId: number | null;
  }) => readonly NewJob[];
}

export type InboundOutcome =
  | { readonly result: "recorded"; readonly conversationId: number; readonly messageId: number }
  | { readonly result: "duplicate"; readonly messageId: number };

export interface InboxChange {
  readonly kind: ChannelKind;
  readonly address: string;
  /** The channel it goes to; null disconnects it. */
  readonly to: string | null;
  readonly userId: string;
  /** Where the inbox must be for the change to happen (null: connected nowhere); otherwise nothing changes. */
  readonly from: readonly (string | null)[];
  /** Committed with the change (e.g. telling the channel it left). */
  readonly jobs?: readonly NewJob[];
}

export type InboxChangeOutcome =
  | { readonly changed: true; readonly before: Inbox; readonly released: number }
  | { readonly changed: false; readonly inbox: Inbox | null };

export interface NewReply {
  readonly conversationId: number;
  readonly provider: ChannelKind;
  readonly channelId: string;
  readonly ts: string;
  readonly userId: string;
  readonly text: string;
  readonly files: readonly Attachment[];
  /** `ts` is the key of the form it was written in: recorded once per key for good, even once it is posted. */
  readonly fromForm?: true;
}

/** An agent texting a customer first, from Slack (`/threadline text`). */
export interface NewStart {
  readonly inboxId: number;
  readonly contactAddress: string;
  readonly userId: string;
  readonly text: string;
  /** Starts by `userId` after this moment are counted (`StartState.recentStarts`); older records are dropped. */
  readonly countStartsSince: Date;
}

/** What a start found: the contact and conversation are null when they don't exist yet. */
export interface StartState {
  /** How many conversations the person started since `NewStart.countStartsSince`, on every instance. */
  readonly recentStarts: number;
  readonly inbox: Inbox;
  readonly contact: Contact | null;
  readonly conversation: Conversation | null;
}

export type StartDecision =
  /** Nothing is written (e.g. the contact opted out). */
  | { readonly refused: string }
  | {
      readonly conversation: ConversationChanges;
      readonly jobs: (ids: { conversationId: number; messageId: number }) => readonly NewJob[];
    };

export type StartOutcome =
  | {
      readonly result: "started";
      readonly conversationId: number;
      readonly messageId: number;
      readonly created: boolean;
    }
  | { readonly result: "refused"; readonly reason: string };

/** A conversation `/threadline find` found, with the message to show for it. */
/** A customer as the store keys them: the channel and their address on it (a phone number, a PSID). */
export interface ContactKey {
  readonly kind: ChannelKind;
  readonly address: string;
}

/** What erasing contacts removed, for the line that tells the channels. */
export interface Erasure {
  readonly contacts: number;
  readonly conversations: number;
  readonly messages: number;
  /** The channels the erased conversations' inboxes are connected to or had their threads in. */
  readonly channelIds: readonly string[];
  /** The app's own posts that showed them: thread parents, their messages, away replies. */
  readonly posts: readonly { readonly channelId: string; readonly ts: string }[];
}

export interface ConversationMatch {
  readonly context: ConversationContext;
  /** The newest message that matched the words, or the conversation's newest message when the contact did. */
  readonly message: Message | null;
}

/** Customer messages held back from Slack for one reason. */
export interface HeldMessages {
  readonly reason: string;
  readonly count: number;
}

/** A write of the cold paths: row changes and the jobs they cause, in one transaction. */
export interface Write {
  readonly conversations?: readonly (readonly [id: number, changes: ConversationChanges])[];
  readonly messages?: readonly (readonly [id: number, changes: MessageChanges])[];
  readonly contacts?: readonly (readonly [id: number, profile: ContactProfile])[];
  /** New statuses of sent parts. */
  readonly parts?: readonly (readonly [messageId: number, index: number, status: MessageStatus])[];
  readonly jobs?: readonly NewJob[];
}

export interface ConversationStore extends HomeQueries {
  // ---- The hot path: prepared statements, one short transaction each, committed in groups ----

  /** Records a customer message unless its provider id is known; `decide` says what else changes. */
  recordInbound(
    inbound: InboundMessage,
    decide: (state: InboundState) => InboundEffects,
  ): Promise<InboundOutcome>;
  /**
   * Records an agent's reply unless its Slack ts is known, and ends the customer's wait (`unansweredSince`);
   * returns its message id, or null for a duplicate.
   */
  recordReply(reply: NewReply, jobs: (messageId: number) => readonly NewJob[]): Promise<number | null>;
  /**
   * Applies what `decide` makes of the outbound messages a provider report covers (by the provider id of the
   * message or of any of its parts, or every outbound message of the conversation up to `report.upTo`), in id
   * order, given with the sent parts of each. Returns the messages changed.
   */
  recordReport(
    report: Pick<DeliveryReport, "kind" | "inboxAddress" | "contactAddress" | "providerMessageIds" | "upTo">,
    decide: (messages: readonly Message[], parts: readonly SentPart[]) => Write,
  ): Promise<readonly Message[]>;
  /**
   * Records a part of a reply the provider accepted, committed before the next part is tried: what a retry
   * must not send again. Recording the same part again changes nothing.
   */
  recordSentPart(messageId: number, part: Omit<SentPart, "messageId">): Promise<void>;
  /** The parts of a reply the provider accepted so far, in order. */
  sentParts(messageId: number): Promise<readonly SentPart[]>;
  /** Which of these provider ids belong to a reply other than `messageId`. */
  partsOfOtherMessages(
    kind: ChannelKind,
    providerMessageIds: readonly string[],
    messageId: number,
  ): Promise<ReadonlySet<string>>;
  write(write: Write): Promise<void>;
  /**
   * Finds or creates the contact and its conversation in the inbox and records the agent's first message
   * (outbound, not yet in Slack) with the jobs `decide` gives, in one transaction; nothing when it refuses.
   */
  startConversation(start: NewStart, decide: (state: StartState) => StartDecision): Promise<StartOutcome>;
  /**
   * Records a nudge with the jobs that post it, unless one was recorded for the same wait: a nudge job that runs
   * twice posts once. False when it already was.
   */
  recordNudge(nudge: Nudge, jobs: readonly NewJob[]): Promise<boolean>;
  /**
   * Unassigns the open conversation if `assigneeId` still has it, with the jobs that say so; false when someone
   * changed it meanwhile (nothing is written then).
   */
  unassign(conversationId: number, assigneeId: string, jobs: readonly NewJob[]): Promise<boolean>;
  /** Forgets the conversation's thread if it is still `threadTs` (its parent was deleted), remembering it as past. */
  forgetThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean>;

  conversationContext(conversationId: number): Promise<ConversationContext | null>;
  conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null>;
  /** The conversation a thread belonged to before its inbox moved or was disconnected. */
  conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null>;
  message(messageId: number): Promise<Message | null>;
  /** The message a provider's id names, if it was recorded (a webhook asking whether its message is safe). */
  messageByProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null>;
  /** Records where the conversation's thread is. */
  setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void>;
  /**
   * Records `threadTs` as the conversation's thread only if it has none in `channelId` yet and its inbox is
   * connected to `channelId` (a parent we posted there whose recording was cut off); true when it did.
   */
  adoptThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean>;

  // ---- Inboxes and the rest (cold) ----

  findInbox(kind: ChannelKind, address: string): Promise<Inbox | null>;
  inboxById(inboxId: number): Promise<Inbox | null>;
  inboxesForChannel(slackChannelId: string): Promise<readonly Inbox[]>;
  /** Every channel some inbox is connected to. */
  connectedChannelIds(): Promise<readonly string[]>;
  /**
   * Connects an inbox to a channel, moves it, or disconnects it, if it is where `change.from` says it must be
   * (and creates it when `from` allows "not connected"). Clears any hold; held jobs of its conversations become
   * runnable; the threads of a channel it leaves are remembered as past threads.
   */
  connectInbox(change: InboxChange): Promise<InboxChangeOutcome>;
  /** What the channel's team set (hours, away message, response-time target); all null when nothing. */
  teamSettings(slackChannelId: string): Promise<TeamSettings>;
  /** Changes some of the channel's team settings and returns them all. */
  saveTeamSettings(
    slackChannelId: string,
    changes: Partial<TeamSettings>,
    userId: string,
  ): Promise<TeamSettings>;
  /** Puts posts to the inbox's channel on hold with the reason (or clears it). */
  setInboxProblem(inboxId: number, problem: string | null): Promise<void>;
  /**
   * Customer messages of the inbox held back from Slack (a channel problem, or a post that failed for good), by
   * the reason their lane is held: the held post's and the ones queued behind it.
   */
  heldMessages(inboxId: number): Promise<readonly HeldMessages[]>;
  /** How many customer messages are held, in every inbox (for /metrics). */
  heldMessageCount(): Promise<number>;
  /**
   * Clears the inbox's channel problem and queues what is held in its conversations' lanes again, each lane in
   * its order; returns how many customer messages were released.
   */
  releaseHeld(inboxId: number): Promise<number>;
  /**
   * Conversations of the inboxes whose messages contain every word of `text` (full-text, by word prefix) or
   * whose contact's name or number contains it: at most `limit`, the most recently active first.
   */
  findConversations(
    inboxIds: readonly number[],
    text: string,
    limit: number,
  ): Promise<readonly ConversationMatch[]>;
  /** The message an agent's Slack message became, if it was recorded as a reply. */
  messageBySlackTs(channelId: string, ts: string): Promise<Message | null>;
  countsForInbox(inboxId: number): Promise<InboxCounts>;
  /** Customer messages of the inbox not yet in Slack. */
  waitingMessageCount(inboxId: number): Promise<number>;
  /** Every message of a conversation in the order it was recorded, for its transcript page. */
  conversationMessages(conversationId: number): Promise<readonly Message[]>;
  /** The nudges posted in the conversation's threads, oldest first, for its transcript page. */
  conversationNudges(conversationId: number): Promise<readonly Nudge[]>;
  /**
   * Keeps a file until `expiresAt` and returns the unguessable token that names it; `conversationId` names the
   * conversation it was sent in, so purging or erasing that conversation deletes it too.
   */
  saveMedia(content: MediaContent, expiresAt: Date, conversationId: number | null): Promise<string>;
  /** The file named by `token`, unless unknown or expired at `now`. */
  media(token: string, now: Date): Promise<MediaContent | null>;
  ping(): Promise<void>;

  // ---- Retention and erasure (cold; docs/SECURITY.md says what is kept and for how long) ----

  /** Deletes the files whose time is up at `now`; returns how many. */
  deleteExpiredMedia(now: Date): Promise<number>;
  /**
   * Deletes up to `limit` conversations closed before `closedBefore`, each with its messages, files, jobs and
   * remembered threads, and the contacts left with no conversation; returns how many conversations.
   */
  purgeClosedConversations(closedBefore: Date, limit: number): Promise<number>;
  /**
   * Erases the contacts with every conversation they have, in any inbox, as the purge does; `jobs` (the lines
   * that tell the channels) are committed with the erasure. Nothing found: nothing erased, no jobs.
   */
  eraseContacts(
    contacts: readonly ContactKey[],
    jobs: (erasure: Erasure) => readonly NewJob[],
  ): Promise<Erasure>;
}
