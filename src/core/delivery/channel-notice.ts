import type { CoreLogger, Job, SlackPort } from "../ports.js";

/**
 * Posts a notice at the top level of a channel. A failure here never holds an inbox: the channel is usually
 * one an inbox has just left, so a permanent error (archived, app removed) fails only this job.
 */
export function channelNoticeHandler(deps: { slack: SlackPort; logger: CoreLogger }) {
  return async (job: Extract<Job, { kind: "slack.channelNotice" }>): Promise<void> => {
    const { channelId, text } = job.payload;
    await deps.slack.postInChannel(channelId, text);
    deps.logger.info({ slackChannel: channelId }, "notice posted in the channel");
  };
}
