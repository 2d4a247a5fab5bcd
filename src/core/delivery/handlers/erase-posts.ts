import { DeliveryError } from "../../errors.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * Replaces the app's own posts that showed an erased customer (parents, their messages, away replies). A post
 * Slack can no longer change (deleted, the channel archived) is skipped; a transient failure retries the job,
 * which replaces the same posts again, harmlessly.
 */
export function erasePosts({ slack, logger }: HandlerDependencies) {
  return async (job: Extract<Job, { kind: "slack.erasePosts" }>) => {
    const { channelId, ts, text } = job.payload;
    let skipped = 0;
    for (const each of ts) {
      try {
        await slack.replaceMessage(channelId, each, text);
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.transient) throw error;
        skipped++;
        logger.warn(
          { slackChannel: channelId, ts: each, err: error },
          "erased customer's post left as it was",
        );
      }
    }
    logger.info(
      { slackChannel: channelId, replaced: ts.length - skipped, skipped },
      "erased customer's posts replaced",
    );
  };
}
