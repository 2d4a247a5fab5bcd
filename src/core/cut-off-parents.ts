import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationStore } from "./ports/store.js";

/**
 * Parents whose recording was cut off: Slack took the post, but the instance that made it died before it
 * recorded the thread's ts, so a reply under it matches no conversation until the parent's job is retried
 * (after its lease runs out). The parent carries its conversation's id in its metadata: reading it back lets
 * the reply record the thread itself and go through at once.
 */
export class CutOffParents {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly logger: CoreLogger,
  ) {}

  /** Records the thread at `threadTs` for the conversation its parent names, when that one has none yet. */
  async adopt(channelId: string, threadTs: string): Promise<boolean> {
    let conversationId: number | null;
    try {
      conversationId = await this.slack.parentConversationId(channelId, threadTs);
    } catch (error) {
      this.logger.warn({ err: error, channel: channelId, threadTs }, "could not read a parent post back");
      return false;
    }
    if (conversationId === null) return false;
    const adopted = await this.store.adoptThread(conversationId, channelId, threadTs);
    if (adopted) {
      this.logger.info(
        { conversationId, slackChannel: channelId, threadTs },
        "recorded a thread whose recording was cut off, from its parent's metadata",
      );
    }
    return adopted;
  }
}
