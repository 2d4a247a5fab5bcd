import type { ChannelKind } from "../model.js";

/** One message of a conversation as its customer may see it again: what they wrote and what reached them. */
export interface HistoryMessage {
  readonly id: number;
  readonly direction: "in" | "out";
  readonly text: string;
  readonly at: Date;
}

/** An inbox as its customers may know it: whether anyone reads it, and the team's hours and away message. */
export interface InboxService {
  /** Connected to a Slack channel: someone will read what customers write. */
  readonly connected: boolean;
  /** The team's business hours (canonical text, src/core/hours), null when always open. */
  readonly hours: string | null;
  readonly awayMessage: string | null;
}

/**
 * What a channel may show its customers itself (a website chat's panel): their own conversation read back, only
 * their messages and the replies that reached them (nothing queued, failed or internal), and the inbox's service.
 */
export interface CustomerView {
  /** The inbox's service, or null when no such inbox exists. */
  inboxService(kind: ChannelKind, inboxAddress: string): Promise<InboxService | null>;
  /** The messages of the contact's conversation in the inbox with an id above `afterId`, oldest first. */
  messagesOf(
    contact: { readonly kind: ChannelKind; readonly inboxAddress: string; readonly contactAddress: string },
    afterId: number,
    limit: number,
  ): Promise<readonly HistoryMessage[]>;
}
