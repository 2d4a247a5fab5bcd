import { isOpen } from "../hours/business-time.js";
import { teamHours } from "../hours/team-service.js";
import type { ConversationContext, Message } from "../model.js";
import type { ChannelCapabilities, ChannelRegistry } from "../ports/channel.js";
import type { ConversationStore } from "../ports/store.js";
import type { DraftGrounding, SavedReplyText, SimilarConversation, TranscriptLine } from "./prompt.js";
import { transcriptLines } from "./prompt.js";

/**
 * The channel's saved replies, when a saved-replies store is wired in; drafts are grounded without them
 * otherwise.
 */
export type SavedRepliesSource = (slackChannelId: string) => Promise<readonly SavedReplyText[]>;

/** At most this many past conversations: enough to show the team's answers, few enough to stay short. */
const similarConversations = 3;
/** Answers quoted from each past conversation. */
const answersPerConversation = 2;
/** The replies a draft may carry: what one Slack button can hold, whatever the channel allows. */
export const maxDraftCharacters = 1_500;

export function transcriptOf(messages: readonly Message[]): TranscriptLine[] {
  return messages
    .filter((message) => message.body.trim() !== "")
    .slice(-transcriptLines)
    .map((message) => ({
      from: message.direction === "in" ? "Customer" : message.authorSlackUserId ? "Agent" : "Automatic reply",
      text: message.body,
    }));
}

/** The longest words of the customer's latest message: the full-text index matches every word given. */
function searchWords(text: string): string[] {
  const words = text
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 4)
    .sort((a, b) => b.length - a.length);
  return [...new Set(words.map((word) => word.toLowerCase()))].slice(0, 3);
}

/** Past closed conversations of the channel's inboxes where a customer wrote like this, with the answers. */
async function similarTo(
  store: ConversationStore,
  context: ConversationContext,
  latest: string,
): Promise<SimilarConversation[]> {
  const channelId = context.inbox.slackChannelId;
  if (!channelId) return [];
  const inboxIds = (await store.inboxesForChannel(channelId)).map((inbox) => inbox.id);
  const words = searchWords(latest);
  // Fewer words match more: the longest words first, then fewer of them until something is found.
  for (let count = words.length; count > 0; count -= 1) {
    const matches = (await store.findConversations(inboxIds, words.slice(0, count).join(" "), 20)).filter(
      (match) =>
        match.context.conversation.id !== context.conversation.id &&
        match.context.conversation.status === "closed",
    );
    if (matches.length === 0) continue;
    const found: SimilarConversation[] = [];
    for (const match of matches.slice(0, similarConversations)) {
      const messages = await store.conversationMessages(match.context.conversation.id);
      const asked =
        match.message?.direction === "in"
          ? match.message
          : messages.find((message) => message.direction === "in");
      if (!asked) continue;
      const answers = messages
        .filter(
          (message) => message.direction === "out" && message.authorSlackUserId && message.id > asked.id,
        )
        .slice(0, answersPerConversation)
        .map((message) => message.body);
      if (answers.length > 0) found.push({ customer: asked.body, answers });
    }
    return found;
  }
  return [];
}

/** The channel's own draft length when it has one, never more than a message or a Slack button carries. */
function draftLength(capabilities: ChannelCapabilities): {
  maxCharacters: number;
  lengthReason: string | null;
} {
  const wanted = capabilities.draftLength?.characters ?? capabilities.maxTextLength;
  return {
    maxCharacters: Math.min(wanted, capabilities.maxTextLength, maxDraftCharacters),
    lengthReason: capabilities.draftLength?.why ?? null,
  };
}

/** What a draft of the next reply in this conversation is grounded on. */
export async function draftGrounding(
  store: ConversationStore,
  channels: ChannelRegistry,
  context: ConversationContext,
  messages: readonly Message[],
  options: { readonly now: number; readonly savedReplies?: SavedRepliesSource | undefined },
): Promise<DraftGrounding> {
  const channel = channels[context.inbox.kind];
  const channelId = context.inbox.slackChannelId;
  const latest = messages.findLast((message) => message.direction === "in")?.body ?? "";
  const [team, savedReplies, similar] = await Promise.all([
    channelId ? store.teamSettings(channelId) : null,
    channelId && options.savedReplies ? options.savedReplies(channelId) : [],
    latest ? similarTo(store, context, latest) : [],
  ]);
  return {
    channelLabel: channel.label,
    ...draftLength(channel.capabilities),
    transcript: transcriptOf(messages),
    savedReplies,
    similar,
    team: {
      hours: team?.hours ?? null,
      openNow: isOpen(teamHours(team), options.now),
      awayMessage: team?.awayMessage ?? null,
    },
  };
}
