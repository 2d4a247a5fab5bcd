import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";

/**
 * Whether someone is a person in a channel: a member who is not a bot or a deactivated account. Every button,
 * menu, reaction, link and list that concerns a conversation asks this of the channel the conversation lives in
 * now, so what a person may see and what they may do are decided in one place.
 */
export class ChannelMembership {
  constructor(
    private readonly slack: Pick<SlackPort, "channelMembers">,
    private readonly logger: CoreLogger,
  ) {}

  /** Throws when the channel's members can't be read (Slack unreachable): callers decide how to fail. */
  async isMember(channelId: string, userId: string): Promise<boolean> {
    const members = await this.slack.channelMembers(channelId);
    const member = members.find((m) => m.id === userId);
    return member !== undefined && !member.isBot && !member.deleted;
  }

  /**
   * Null when `userId` is a person in `channelId`; otherwise why they can't `doing` ("change this
   * conversation"). When membership can't be checked the answer is no: nothing is done on a guess.
   */
  async refusal(userId: string, channelId: string, doing: string): Promise<string | null> {
    try {
      if (await this.isMember(channelId, userId)) return null;
    } catch (error) {
      this.logger.warn(
        { err: error, user: userId, channel: channelId },
        "could not read the channel's members to check who acted",
      );
      return `I couldn't check that you are a member of <#${channelId}> (Slack didn't answer), so you can't ${doing} right now. Please try again in a moment.`;
    }
    return `Only members of <#${channelId}> can ${doing}; join the channel first.`;
  }
}
