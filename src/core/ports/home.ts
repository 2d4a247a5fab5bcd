import type { ChannelKind, ConversationStatus, Inbox } from "../model.js";

/* What App Home reads: a few lists, each one indexed query. Part of the ConversationStore port. */

/** A conversation as a list shows it: who, where its thread is, and how long the customer has waited. */
export interface ConversationSummary {
  readonly conversationId: number;
  readonly inboxId: number;
  readonly kind: ChannelKind;
  readonly status: ConversationStatus;
  readonly contactAddress: string;
  readonly contactName: string | null;
  readonly assigneeId: string | null;
  readonly slackChannelId: string | null;
  readonly slackThreadTs: string | null;
  /** The customer's first message since the last reply that reached them; null when nothing is unanswered. */
  readonly waitingSince: Date | null;
  readonly lastInboundAt: Date | null;
}

export interface ConversationList {
  /** How many there are in all; `summaries` holds at most the limit asked for. */
  readonly total: number;
  readonly summaries: readonly ConversationSummary[];
}

export interface InboxQueue extends ConversationList {
  readonly inboxId: number;
}

/** Who a conversation is assigned to. */
export interface Assignment {
  readonly conversationId: number;
  readonly assigneeId: string;
}

/** A reminder someone set on a conversation, not yet due. */
export interface ScheduledReminder {
  readonly jobId: number;
  readonly runAt: Date;
  readonly conversation: ConversationSummary;
}

export interface HomeQueries {
  /**
   * The person's open conversations in `inboxIds` (the inboxes of the channels they are in), oldest waiting
   * first (those with nothing unanswered last).
   */
  openAssignedTo(userId: string, inboxIds: readonly number[], limit: number): Promise<ConversationList>;
  /** Each inbox's open, unassigned conversations, oldest message first; inboxes with none are left out. */
  unassignedOpen(inboxIds: readonly number[], limitPerInbox: number): Promise<readonly InboxQueue[]>;
  /** The reminders `userId` set on conversations of `inboxIds` that have not fired yet, soonest first. */
  remindersOf(userId: string, inboxIds: readonly number[]): Promise<readonly ScheduledReminder[]>;
  /** Open conversations with an assignee, of the inboxes connected to `slackChannelId`. */
  openAssignmentsIn(slackChannelId: string): Promise<readonly Assignment[]>;
  /** Every inbox connected to a channel. */
  connectedInboxes(): Promise<readonly Inbox[]>;
}

/** A conversation in a list of App Home, named and placed for the reader. */
export interface HomeItem {
  readonly conversationId: number;
  /** The customer's name, or their formatted address. */
  readonly title: string;
  readonly channelLabel: string;
  readonly slackChannelId: string | null;
  readonly slackThreadTs: string | null;
  readonly waitingSince: Date | null;
  /** The channel's response-time target (`15 min`) when the customer has waited past it in business time. */
  readonly overTarget: string | null;
}

/** What a person's App Home shows; src/slack renders it as Block Kit. */
export interface HomeView {
  readonly userId: string;
  /** When it was put together: waiting times are measured from here. */
  readonly at: Date;
  readonly assigned: { readonly total: number; readonly items: readonly HomeItem[] };
  /** Inboxes of the channels the person is in, with their open unassigned conversations. */
  readonly inboxes: readonly {
    readonly label: string;
    readonly slackChannelId: string;
    readonly total: number;
    readonly items: readonly HomeItem[];
  }[];
  readonly reminders: readonly { readonly runAt: Date; readonly item: HomeItem }[];
  /** Messages the person wrote `later <when>: …` that are still to be sent, soonest first. */
  readonly scheduled: readonly {
    readonly sendAt: Date;
    readonly slackChannelId: string;
    readonly threadTs: string;
    /** The start of the text (Slack text). */
    readonly preview: string;
  }[];
  /** Out of automatic assignment (`/threadline pause`) until they resume. */
  readonly paused?: boolean;
}
