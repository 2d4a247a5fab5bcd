import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * A notice at the top level of a channel. A failure here never holds an inbox: the channel is usually one an
 * inbox has just left, so a permanent error (archived, app removed) fails only this job.
 */
export function channelNotice({ slack, logger }: HandlerDependencies) {
  return async (job: Extract<Job, { kind: "slack.channelNotice" }>) => {
    const { channelId, text } = job.payload;
    await slack.postInChannel(channelId, text);
    logger.info({ slackChannel: channelId }, "notice posted in the channel");
  };
}
