import { parentView } from "../../parent-view.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** The thread's parent shows the conversation's state again (assignee, status, name, opt-out). */
export function updateParent(
  { slack, channels, logger, transcripts, tags }: HandlerDependencies,
  threads: ThreadAccess,
) {
  return async (job: Extract<Job, { kind: "slack.updateParent" }>) => {
    const context = await threads.loadContext(job.payload.conversationId);
    const { slackChannelId, slackThreadTs } = context.conversation;
    if (!slackChannelId || !slackThreadTs) return;
    const view = parentView(
      context,
      channels[context.inbox.kind],
      transcripts,
      await (tags?.tagsOf(context.contact.id) ?? []),
    );
    await threads.holdOnChannelProblem(context, slackChannelId, () =>
      slack.updateParent(slackChannelId, slackThreadTs, view),
    );
    logger.info(
      { conversationId: context.conversation.id, status: context.conversation.status },
      "parent updated",
    );
  };
}
