import type { ConversationContext } from "./model.js";

/**
 * Who may connect, disconnect and move inboxes. With no admins configured anyone in a channel the app was
 * invited to may; with admins, only they may, since whoever holds an inbox reads its customers and answers
 * as the business.
 */
export class InboxPolicy {
  constructor(private readonly admins: readonly string[]) {}

  /** Null when `userId` may manage inboxes, else the refusal to show them. */
  refusal(userId: string, doing: string): string | null {
    if (this.admins.length === 0 || this.admins.includes(userId)) return null;
    const names = this.admins.map((id) => `<@${id}>`).join(", ");
    return `Only a Threadline admin can ${doing}. Ask an admin to do it: ${names}.`;
  }
}

/** Where an agent acted: the channel, and the thread (or the thread's parent) when known. */
export interface ThreadPlace {
  readonly channelId: string | undefined;
  readonly threadTs?: string | undefined;
}

/**
 * Why `place` is no longer the conversation's live thread (its inbox was disconnected or moved, or the
 * conversation went on in a newer thread), as a phrase to follow "Not sent:" or "Nothing changed:"; null
 * when it is the live thread. Replies and actions from such a thread must not reach the customer.
 */
export function leftThreadReason(context: ConversationContext, place: ThreadPlace): string | null {
  const { inbox, conversation } = context;
  if (!inbox.slackChannelId) {
    return "this inbox is disconnected, so nothing done in this thread reaches the customer. It can be connected again with `/threadline connect`.";
  }
  const threadHere = conversation.slackChannelId === inbox.slackChannelId && conversation.slackThreadTs;
  if (inbox.slackChannelId !== place.channelId) {
    const where = threadHere
      ? "Continue in its thread there."
      : "Its thread there starts with the customer's next message.";
    return `this conversation now lives in <#${inbox.slackChannelId}>. ${where}`;
  }
  if (!threadHere) {
    return "this conversation starts a new thread in this channel with the customer's next message.";
  }
  if (place.threadTs !== undefined && place.threadTs !== conversation.slackThreadTs) {
    return "this conversation continues in a newer thread in this channel.";
  }
  return null;
}
