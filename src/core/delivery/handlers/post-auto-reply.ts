import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

export const autoReplyLine = "🌙 Auto-reply sent — outside business hours";
export const optOutConfirmationLine = "🚫 Opt-out confirmation sent";

/**
 * The away reply (or an opt-out's confirmation), shown in the thread under the customer's message with what it said. Its ts is recorded on the
 * message, so delivery marks (✅ ❌) land on it like on an agent's reply. `customer.send` sends it on its own
 * lane: a Slack outage does not hold the customer's answer back.
 */
export function postAutoReply({ store, slack, logger }: HandlerDependencies, threads: ThreadAccess) {
  return async (job: Extract<Job, { kind: "slack.postAutoReply" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    if (!loaded || loaded.message.slackTs) return;
    const { message, context } = loaded;
    const posted = await threads.inThread(context, job, async (channelId, threadTs) => {
      const post = await slack.postInThread(
        channelId,
        threadTs,
        {
          text: `${job.payload.optOutConfirmation ? optOutConfirmationLine : autoReplyLine}:\n${message.body.replace(/^/gm, "> ")}`,
          messageId: message.id,
        },
        threads.earlierPost(job, context, "message", () =>
          slack.findPostedMessage(channelId, threadTs, message.id),
        ),
      );
      return { channelId, ts: post.ts };
    });
    await store.write({ messages: [[message.id, { slackChannelId: posted.channelId, slackTs: posted.ts }]] });
    logger.info(
      { conversationId: context.conversation.id, messageId: message.id, slackTs: posted.ts },
      "away reply shown in the thread",
    );
  };
}
