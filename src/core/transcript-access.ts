import type { ChannelMembership } from "./membership.js";
import type { ConversationContext } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import type { TranscriptLinks } from "./ports/slack.js";

export type TranscriptAccess =
  | { readonly result: "granted"; readonly url: string; readonly expiresAt: Date }
  | { readonly result: "refused"; readonly reason: string };

export interface TranscriptSources {
  conversationContext(conversationId: number): Promise<ConversationContext | null>;
}

/**
 * Who may read a conversation's transcript: the members of the channel the conversation lives in now, asking
 * from there. Each gets a fresh link of their own that expires soon, so a link that leaks stops working.
 */
export class TranscriptAccessPolicy {
  constructor(
    private readonly store: TranscriptSources,
    private readonly membership: Pick<ChannelMembership, "refusal">,
    private readonly links: TranscriptLinks,
    private readonly logger: CoreLogger,
  ) {}

  async linkFor(
    conversationId: number,
    asker: { readonly userId: string; readonly channelId: string | undefined },
  ): Promise<TranscriptAccess> {
    const refused = (reason: string): TranscriptAccess => {
      this.logger.warn(
        { conversationId, user: asker.userId, channel: asker.channelId, reason },
        "transcript link not given",
      );
      return { result: "refused", reason };
    };
    const found = Number.isSafeInteger(conversationId)
      ? await this.store.conversationContext(conversationId)
      : null;
    if (!found) return refused("This conversation no longer exists in Threadline.");
    const home = found.inbox.slackChannelId;
    if (!home) return refused("This inbox is disconnected, so its conversations can't be opened from Slack.");
    if (home !== asker.channelId || found.conversation.slackChannelId !== asker.channelId) {
      return refused(`This conversation now lives in <#${home}>; open it from its thread there.`);
    }
    const outsider = await this.membership.refusal(asker.userId, home, "see this conversation");
    if (outsider) return refused(outsider);
    const link = this.links.urlFor(conversationId);
    this.logger.info(
      { conversationId, user: asker.userId, channel: asker.channelId, expiresAt: link.expiresAt },
      "transcript link given",
    );
    return { result: "granted", ...link };
  }
}
