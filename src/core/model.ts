/**
 * The customer-side channels Threadline bridges, which the core knows only by kind and capabilities. Each
 * channel's folder adds its kind here (`declare module "…/core/model.js" { interface ChannelKinds { <kind>: true } }`
 * in its index.ts), so the core names no channel and adding one stays a folder and a registry line.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each channel's folder
export interface ChannelKinds {}

export type ChannelKind = keyof ChannelKinds & string;

export type ConversationStatus = "open" | "closed";

export type MessageDirection = "in" | "out";

/**
 * Delivery states of a message, in the order they can advance. Provider callbacks arrive out of order,
 * so a status only ever moves forward in this list (terminal failures aside).
 */
export const messageStatuses = [
  "received",
  "pending",
  "queued",
  "sent",
  "delivered",
  "read",
  "failed",
  "undelivered",
  "not_sent",
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export interface Attachment {
  /** Where the bytes are: the provider's media URL (inbound) or Slack's private download URL (outbound). */
  readonly url: string;
  readonly contentType?: string | undefined;
  readonly name?: string | undefined;
  readonly size?: number | undefined;
}

/** A downloaded file. */
export interface MediaContent {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly filename: string;
}

/** A customer message as a channel adapter hands it to the core, already verified and parsed. */
export interface InboundMessage {
  readonly kind: ChannelKind;
  /** The inbox's address in the channel's canonical form (a phone number in E.164, a Page id…). */
  readonly inboxAddress: string;
  /** The customer's address in the channel's canonical form. */
  readonly contactAddress: string;
  /** The name the customer gave the provider, when the provider sends it with the message. */
  readonly contactName?: string | undefined;
  readonly providerMessageId: string;
  readonly text: string;
  readonly attachments: readonly Attachment[];
  readonly receivedAt: Date;
  /**
   * What the provider itself recognised the message as, when it says (an opt-out keyword class the provider
   * matched): it overrides the channel's default keywords. "help" changes nothing.
   */
  readonly keyword?: "opt_out" | "opt_in" | "help" | undefined;
}

/**
 * A provider's report that outbound messages reached the customer's device or were read. It names messages by
 * provider id, and/or (a watermark) covers every message of the conversation sent up to a moment.
 */
export interface DeliveryReport {
  readonly kind: ChannelKind;
  readonly inboxAddress: string;
  readonly contactAddress: string;
  readonly status: "delivered" | "read";
  readonly providerMessageIds: readonly string[];
  /** Every outbound message of the conversation sent at or before this moment; null when not given. */
  readonly upTo: Date | null;
}

/** What a channel knows about a customer beyond their address. */
export interface ContactProfile {
  readonly displayName: string;
  readonly avatarUrl: string | null;
}

/** A reply typed by an agent in a Slack thread, as the Slack listener hands it to the core. */
export interface AgentReply {
  readonly channelId: string;
  readonly threadTs: string;
  readonly ts: string;
  readonly userId: string;
  readonly text: string;
  readonly files: readonly Attachment[];
  /**
   * Written in a form of the app (the saved-reply modal, an AI draft's Send), not posted in Slack by the person:
   * `ts` is a key of the form's, and the app posts the text in the thread under their name before sending it.
   */
  readonly fromForm?: true;
}

export interface Inbox {
  readonly id: number;
  readonly kind: ChannelKind;
  readonly address: string;
  readonly slackChannelId: string | null;
  /** Who connected it to `slackChannelId`, and when (null for inboxes connected before this was kept). */
  readonly connectedBy: string | null;
  readonly connectedAt: Date | null;
  /** Why posts to the channel are on hold, if they are. */
  readonly deliveryProblem: string | null;
}

export interface Contact {
  readonly id: number;
  readonly kind: ChannelKind;
  readonly address: string;
  readonly displayName: string | null;
  readonly avatarUrl: string | null;
}

export interface Conversation {
  readonly id: number;
  readonly inboxId: number;
  readonly contactId: number;
  readonly status: ConversationStatus;
  /** The customer opted out of messages from this inbox (STOP); carriers block per sender, not per customer. */
  readonly optedOut: boolean;
  readonly assigneeId: string | null;
  readonly closedBy: string | null;
  readonly closedAt: Date | null;
  readonly slackChannelId: string | null;
  readonly slackThreadTs: string | null;
  readonly lastInboundAt: Date | null;
  /** The away reply went out for the closed period ending at this time (the team's next opening). */
  readonly awayRepliedUntil: Date | null;
  /** When the customer's unanswered wait began; null once a reply, a close or the assignee's note ended it. */
  readonly unansweredSince: Date | null;
}

/** What a Slack channel's team set with `/threadline hours`, `away` and `sla`; null means not set. */
export interface TeamSettings {
  /** Canonical business hours (`Mon-Fri 09:00-17:00 America/New_York`); null is always open. */
  readonly hours: string | null;
  readonly awayMessage: string | null;
  /** The response-time target, in business minutes. */
  readonly slaMinutes: number | null;
}

/** A response-time nudge posted in a conversation's thread, for the wait that began at `unansweredSince`. */
export interface Nudge {
  readonly conversationId: number;
  readonly unansweredSince: Date;
  /** Who it mentioned; null when nobody was assigned. */
  readonly assigneeId: string | null;
  readonly postedAt: Date;
}

export const noTeamSettings: TeamSettings = { hours: null, awayMessage: null, slaMinutes: null };

export interface Message {
  readonly id: number;
  readonly conversationId: number;
  readonly direction: MessageDirection;
  readonly body: string;
  readonly attachments: readonly Attachment[];
  readonly providerMessageId: string | null;
  readonly slackChannelId: string | null;
  readonly slackTs: string | null;
  readonly authorSlackUserId: string | null;
  readonly status: MessageStatus;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly createdAt: Date;
}

/**
 * One provider message of a reply: a long reply goes out in several. Recorded the moment the provider accepts
 * it, so a retry sends only the rest, and a status report for any part finds its reply.
 */
export interface SentPart {
  readonly messageId: number;
  /** Its place in the reply, 0 first. */
  readonly index: number;
  readonly providerMessageId: string;
  /** How far this part got; the reply's own status sums up its parts. */
  readonly status: MessageStatus;
}

/** A conversation with what it takes to render or act on it. */
export interface ConversationContext {
  readonly conversation: Conversation;
  readonly inbox: Inbox;
  readonly contact: Contact;
}
