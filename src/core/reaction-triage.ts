import type { ActionOutcome, ConversationActions } from "./actions.js";
import type { ChannelMembership } from "./membership.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

/** Slack's triage-channel convention: 👀 takes a conversation, ✅ closes it. Removing a reaction does nothing. */
export const triageReactions = { eyes: "assign", white_check_mark: "close" } as const;

export interface Reaction {
  readonly userId: string;
  readonly name: string;
  readonly channelId: string;
  /** The message reacted to: only a conversation's parent counts. */
  readonly ts: string;
}

export type TriageOutcome = ActionOutcome | { readonly result: "ignored"; readonly why: string };

/** Reactions on a thread's parent, through the same path (and the same thread line) as its buttons. */
export class ReactionTriage {
  constructor(
    private readonly store: ConversationStore,
    private readonly membership: ChannelMembership,
    private readonly actions: ConversationActions,
    private readonly logger: CoreLogger,
  ) {}

  async reacted(reaction: Reaction): Promise<TriageOutcome> {
    // Skin tones (`eyes::skin-tone-2`) are the same reaction.
    const name = reaction.name.split("::")[0] ?? "";
    const action = Object.hasOwn(triageReactions, name)
      ? triageReactions[name as keyof typeof triageReactions]
      : null;
    if (!action) return { result: "ignored", why: "not a triage reaction" };
    const found = await this.store.conversationByThread(reaction.channelId, reaction.ts);
    if (!found) return { result: "ignored", why: "not on a conversation's parent" };
    const conversationId = found.conversation.id;
    const outsider = await this.membership.refusal(
      reaction.userId,
      reaction.channelId,
      "triage its conversations",
    );
    // Slack can't show a non-member an ephemeral answer in the channel, so the reaction is only logged.
    if (outsider) {
      this.logger.warn(
        { conversationId, user: reaction.userId, reaction: name, reason: outsider },
        "triage reaction ignored: not from a person in the channel",
      );
      return { result: "ignored", why: "not from a person in the channel" };
    }
    const context = { userId: reaction.userId, channelId: reaction.channelId, threadTs: reaction.ts };
    return action === "assign"
      ? this.actions.assign(conversationId, reaction.userId, context)
      : this.actions.close(conversationId, context);
  }
}
