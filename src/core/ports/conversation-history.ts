import type { ChannelKind } from "../model.js";

/** One message of a conversation as its customer may see it again: what they wrote and what reached them. */
export interface HistoryMessage {
  readonly id: number;
  readonly direction: "in" | "out";
  readonly text: string;
  readonly at: Date;
}

/**
 * A customer's own conversation, read back for channels that show it to them (a website chat reloaded). Only
 * their messages and the replies that reached them: nothing queued, failed or internal.
 */
export interface ConversationHistory {
  /** The messages of the contact's conversation in the inbox with an id above `afterId`, oldest first. */
  messagesOf(
    contact: { readonly kind: ChannelKind; readonly inboxAddress: string; readonly contactAddress: string },
    afterId: number,
    limit: number,
  ): Promise<readonly HistoryMessage[]>;
  /** Whether the contact has written to the inbox before. */
  isKnown(contact: { readonly kind: ChannelKind; readonly contactAddress: string }): Promise<boolean>;
}
