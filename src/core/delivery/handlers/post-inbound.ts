import { quoted } from "../../campaigns/quote.js";
import { contactName } from "../../parent-view.js";
import type { Job } from "../../ports/queue.js";
import { escapeForSlack } from "../../text.js";
import type { HandlerDependencies } from "./dependencies.js";
import { plural, type ThreadAccess } from "./threads.js";

/** A customer's message into its thread, under the customer's name (the thread is started if needed). */
export function postInbound(
  { store, slack, channels, logger, campaigns }: HandlerDependencies,
  threads: ThreadAccess,
) {
  return async (job: Extract<Job, { kind: "slack.postInbound" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    if (!loaded || loaded.message.slackTs) return;
    const { message, context } = loaded;
    const channel = channels[context.inbox.kind];
    const files = message.attachments.length;
    const text = escapeForSlack(message.body) || `📎 sent ${plural(files, "attachment")}`;
    const posted = await threads.inThread(context, job, async (channelId, threadTs) => {
      // An answer to a campaign: no thread was started when it was sent, so the thread first shows what they got.
      const received = await campaigns?.store.unquoted(context.inbox.id, context.contact.id);
      if (received) {
        await slack.postInThread(channelId, threadTs, {
          text: `📣 They got this campaign from <@${received.createdBy}>:\n${quoted(received.body)}`,
        });
        await campaigns?.store.markQuoted(context.inbox.id, context.contact.id);
        logger.info(
          { conversationId: context.conversation.id, campaignId: received.campaignId },
          "campaign quoted in the thread",
        );
      }
      const post = await slack.postInThread(
        channelId,
        threadTs,
        {
          text,
          username: contactName(context, channel),
          ...(context.contact.avatarUrl ? { iconUrl: context.contact.avatarUrl } : {}),
          ...(job.payload.reopened ? { broadcast: true } : {}),
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
      "inbound message posted to Slack",
    );
  };
}
