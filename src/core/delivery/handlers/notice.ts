import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** A line from Threadline in the thread (who assigned or closed it, why a reply was not delivered…). */
export function notice({ slack, logger }: HandlerDependencies, threads: ThreadAccess) {
  return async (job: Extract<Job, { kind: "slack.notice" }>) => {
    const context = await threads.loadContext(job.payload.conversationId);
    const { text, sendAgain } = job.payload;
    const post = sendAgain === undefined ? { text } : { text, sendAgain };
    if (job.payload.currentChannel) {
      await threads.inThread(context, job, (channelId, threadTs) =>
        slack.postInThread(channelId, threadTs, post),
      );
      logger.info({ conversationId: context.conversation.id }, "notice posted in the thread");
      return;
    }
    const { slackChannelId, slackThreadTs } = context.conversation;
    if (!slackChannelId || !slackThreadTs) return;
    await threads.holdOnChannelProblem(context, slackChannelId, () =>
      slack.postInThread(slackChannelId, slackThreadTs, post),
    );
    logger.info({ conversationId: context.conversation.id }, "notice posted in the thread");
  };
}
