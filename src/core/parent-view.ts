import type { ConversationContext } from "./model.js";
import type { CustomerChannel } from "./ports/channel.js";
import type { ParentView, TranscriptLinks } from "./ports/slack.js";

export function contactName(context: ConversationContext, channel: CustomerChannel): string {
  const { displayName, address } = context.contact;
  return displayName ?? channel.fallbackContactName?.(address) ?? channel.formatAddress(address);
}

/** The parent offers "View all messages" when transcripts are served (`transcripts` is given). */
export function parentView(
  context: ConversationContext,
  channel: CustomerChannel,
  transcripts?: TranscriptLinks,
  tags: readonly string[] = [],
): ParentView {
  const { conversation, inbox, contact } = context;
  return {
    conversationId: conversation.id,
    title: `Conversation with ${contactName(context, channel)}`,
    contactAddress: channel.formatAddress(contact.address),
    contactAvatarUrl: contact.avatarUrl,
    channelLabel: channel.label,
    inboxAddress: channel.formatAddress(inbox.address),
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    closedBy: conversation.closedBy,
    closedAt: conversation.closedAt,
    optedOut: conversation.optedOut,
    tags,
    transcriptButton: transcripts !== undefined,
  };
}
