import { customerLane } from "../../lane-names.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** The name a workflow step's message is posted under in the thread. */
export function workflowAuthorName(runBy: string): string {
  return `Workflow (run by ${runBy})`;
}

/**
 * An agent's first message to a customer (`/threadline text`), or a reply written in a form (the saved-reply
 * modal): posted in the conversation's thread (a new one
 * when it has none) under the agent's name and picture, then handed to `customer.send` in the same write as
 * its Slack ts, so delivery marks (✅ ❌) and failure notices have a message to go on.
 */
export function postStarted({ store, slack, logger }: HandlerDependencies, threads: ThreadAccess) {
  return async (job: Extract<Job, { kind: "slack.postStarted" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    // Posted already, unless its ts is still the key of the form it was written in.
    if (!loaded || (loaded.message.slackTs && loaded.message.slackTs !== job.payload.formKey)) return;
    const { message, context } = loaded;
    const person = message.authorSlackUserId
      ? await slack.userProfile(message.authorSlackUserId)
      : { name: "Threadline", avatarUrl: null };
    // A workflow's message is the workflow's, not typed by the person who ran it: the name says both.
    const author = job.payload.byWorkflow
      ? { name: workflowAuthorName(person.name), avatarUrl: null }
      : person;
    const posted = await threads.inThread(context, job, async (channelId, threadTs) => {
      const post = await slack.postInThread(
        channelId,
        threadTs,
        {
          text: message.body,
          username: author.name,
          ...(author.avatarUrl ? { iconUrl: author.avatarUrl } : {}),
          messageId: message.id,
        },
        threads.earlierPost(job, context, "message", () =>
          slack.findPostedMessage(channelId, threadTs, message.id),
        ),
      );
      return { channelId, ts: post.ts };
    });
    await store.write({
      messages: [[message.id, { slackChannelId: posted.channelId, slackTs: posted.ts }]],
      jobs: [
        {
          lane: customerLane(context.conversation.id),
          kind: "customer.send",
          payload: { messageId: message.id },
        },
      ],
    });
    logger.info(
      { conversationId: context.conversation.id, messageId: message.id, slackTs: posted.ts },
      "started conversation's first message posted; sending it",
    );
  };
}
