import { DeliveryError } from "../../errors.js";
import { slackLane } from "../../lane-names.js";
import { ChannelMembership } from "../../membership.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * A reminder that came due: a line in the thread mentioning who set it, unless the conversation is closed by
 * now or the person is no longer in its channel (the line would tell them about a conversation that isn't
 * theirs to see). The line goes through the conversation's Slack lane, behind its other posts and held with
 * them when the channel is unusable.
 */
export function reminder({ store, slack, logger, reminderSettled }: HandlerDependencies) {
  const membership = new ChannelMembership(slack, logger);
  return async (job: Extract<Job, { kind: "slack.reminder" }>) => {
    const { conversationId, userId } = job.payload;
    const context = await store.conversationContext(conversationId);
    if (!context || context.conversation.status === "closed") {
      logger.info({ conversationId, user: userId }, "reminder dropped: the conversation is closed");
      reminderSettled?.(userId);
      return;
    }
    const channelId = context.inbox.slackChannelId;
    const member =
      !channelId ||
      (await membership.isMember(channelId, userId).catch((error: unknown) => {
        throw new DeliveryError("MEMBERS_UNREADABLE", "Slack could not say who is in the channel", {
          transient: true,
          cause: error,
        });
      }));
    if (!member) {
      logger.info(
        { conversationId, user: userId, slackChannel: channelId },
        "reminder dropped: the person is no longer in the conversation's channel",
      );
      reminderSettled?.(userId);
      return;
    }
    await store.write({
      jobs: [
        {
          lane: slackLane(conversationId),
          kind: "slack.notice",
          payload: {
            conversationId,
            text: `⏰ <@${userId}>, you asked to be reminded about this conversation.`,
          },
        },
      ],
    });
    logger.info({ conversationId, user: userId }, "reminder due: its line goes to the thread");
    reminderSettled?.(userId);
  };
}
