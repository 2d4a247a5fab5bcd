import { DeliveryError } from "../../errors.js";
import type { MediaContent } from "../../model.js";
import type { Job } from "../../ports/queue.js";
import { escapeForSlack } from "../../text.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** A customer's file that still can't be downloaded after this many attempts is reported instead. */
const mediaAttempts = 3;

/** One attachment of a customer's message, uploaded into the thread after its text. */
export function postMedia({ slack, channels, logger }: HandlerDependencies, threads: ThreadAccess) {
  return async (job: Extract<Job, { kind: "slack.postMedia" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    const attachment = loaded?.message.attachments[job.payload.index];
    if (!loaded || !attachment) return;
    const { message, context } = loaded;
    const what = attachment.contentType || "a file";
    let content: MediaContent;
    try {
      content = await channels[context.inbox.kind].fetchMedia(attachment);
    } catch (error) {
      if (!(error instanceof DeliveryError) || (error.transient && job.attempts < mediaAttempts)) throw error;
      logger.warn(
        {
          conversationId: context.conversation.id,
          messageId: message.id,
          code: error.code,
          contentType: what,
        },
        "customer media could not be downloaded",
      );
      await threads.inThread(context, job, (channelId, threadTs) =>
        slack.postInThread(channelId, threadTs, {
          text: `⚠️ The customer sent ${escapeForSlack(what)} that could not be downloaded: ${error.reason}.`,
        }),
      );
      return;
    }
    await threads.inThread(context, job, (channelId, threadTs) =>
      slack.uploadFile(channelId, threadTs, content),
    );
    logger.info(
      { conversationId: context.conversation.id, messageId: message.id, contentType: content.contentType },
      "customer media posted to Slack",
    );
  };
}
