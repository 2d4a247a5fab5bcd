import type { ConversationContext, Message, MessageStatus, Nudge } from "../../core/model.js";
import { contactName } from "../../core/parent-view.js";
import type { ChannelRegistry } from "../../core/ports/channel.js";
import type { SlackPort } from "../../core/ports/slack.js";

/** A message's file; the page links it through Threadline (attachments.ts), never at its source. */
export interface TranscriptAttachment {
  readonly messageId: number;
  /** Its place among the message's attachments. */
  readonly index: number;
  readonly label: string;
  readonly isImage: boolean;
  /** False for a link Threadline never fetches (not http or https): shown as its name only. */
  readonly fetchable: boolean;
}

export interface TranscriptMessage {
  readonly direction: "in" | "out";
  readonly author: string;
  readonly at: Date;
  readonly body: string;
  readonly status: MessageStatus;
  readonly error: string | null;
  readonly attachments: readonly TranscriptAttachment[];
}

/** A line Threadline posted in the thread that the page shows between the messages (a response-time nudge). */
export interface TranscriptEvent {
  readonly at: Date;
  readonly text: string;
}

/** Outbound messages without an author are the away reply (the only message Threadline writes itself). */
export const autoReplyAuthor = "Auto-reply — outside business hours";

/** Everything the page shows, already in words: names resolved, addresses formatted. */
export interface TranscriptView {
  readonly title: string;
  readonly contact: string;
  readonly contactAddress: string;
  readonly channelLabel: string;
  readonly inbox: string;
  readonly status: "open" | "closed";
  readonly closedBy: string | null;
  readonly closedAt: Date | null;
  readonly assignee: string | null;
  readonly optedOut: boolean;
  readonly messages: readonly TranscriptMessage[];
  readonly events: readonly TranscriptEvent[];
}

export interface TranscriptSources {
  conversationContext(conversationId: number): Promise<ConversationContext | null>;
  conversationMessages(conversationId: number): Promise<readonly Message[]>;
  conversationNudges(conversationId: number): Promise<readonly Nudge[]>;
}

/** Only web links are fetched and linked; anything else (javascript:, data:) is shown as text. */
export const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

export async function loadTranscript(
  conversationId: number,
  deps: {
    readonly store: TranscriptSources;
    readonly slack: Pick<SlackPort, "userDisplayName">;
    readonly channels: ChannelRegistry;
  },
): Promise<TranscriptView | null> {
  const context = await deps.store.conversationContext(conversationId);
  if (!context) return null;
  const [messages, nudges] = await Promise.all([
    deps.store.conversationMessages(conversationId),
    deps.store.conversationNudges(conversationId),
  ]);
  const { conversation, inbox, contact } = context;
  const channel = deps.channels[inbox.kind];
  const customer = contactName(context, channel);

  // One lookup per person (the gateway caches them), not per message.
  const userIds = new Set<string>();
  for (const message of messages) if (message.authorSlackUserId) userIds.add(message.authorSlackUserId);
  if (conversation.assigneeId) userIds.add(conversation.assigneeId);
  if (conversation.closedBy) userIds.add(conversation.closedBy);
  for (const nudge of nudges) if (nudge.assigneeId) userIds.add(nudge.assigneeId);
  const names = new Map(
    await Promise.all([...userIds].map(async (id) => [id, await deps.slack.userDisplayName(id)] as const)),
  );
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? id) : null);

  return {
    title: `Conversation with ${customer}`,
    contact: customer,
    contactAddress: channel.formatAddress(contact.address),
    channelLabel: channel.label,
    inbox: channel.formatAddress(inbox.address),
    status: conversation.status,
    closedBy: nameOf(conversation.closedBy),
    closedAt: conversation.closedAt,
    assignee: nameOf(conversation.assigneeId),
    optedOut: conversation.optedOut,
    messages: messages.map((message) => ({
      direction: message.direction,
      author: message.direction === "in" ? customer : (nameOf(message.authorSlackUserId) ?? autoReplyAuthor),
      at: message.createdAt,
      body: message.body,
      status: message.status,
      error: message.errorMessage,
      attachments: message.attachments.map((attachment, index) => ({
        messageId: message.id,
        index,
        label: attachment.name ?? attachment.contentType ?? "attachment",
        isImage:
          isWebUrl(attachment.url) && (attachment.contentType ?? "").toLowerCase().startsWith("image/"),
        fetchable: isWebUrl(attachment.url),
      })),
    })),
    events: nudges.map((nudge) => ({
      at: nudge.postedAt,
      text: `Response-time nudge: the customer had waited past the target; ${
        nudge.assigneeId ? `${nameOf(nudge.assigneeId)} was reminded` : "nobody was assigned"
      }.`,
    })),
  };
}
