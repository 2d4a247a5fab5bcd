import { slackLane } from "../../lanes.js";
import type { Job } from "../../ports.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * A reminder that came due: a line in the thread mentioning who set it, unless the conversation is closed by
 * now. The line goes through the conversation's Slack lane, behind its other posts and held with them when the
 * channel is unusable.
 */
export function reminder({ store, logger, reminderSettled }: HandlerDependencies) {
  return async (job: Extract<Job, { kind: "slack.reminder" }>) => {
    const { conversationId, userId } = job.payload;
    const context = await store.conversationContext(conversationId);
    if (!context || context.conversation.status === "closed") {
      logger.info({ conversationId, user: userId }, "reminder dropped: the conversation is closed");
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
