import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** Marks an agent's reply in Slack with how its delivery went (✅, ❌). */
export function react({ slack }: HandlerDependencies, threads: ThreadAccess) {
  return async (job: Extract<Job, { kind: "slack.react" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    const channelId = loaded?.message.slackChannelId;
    const ts = loaded?.message.slackTs;
    if (!loaded || !channelId || !ts) return;
    await threads.holdOnChannelProblem(loaded.context, channelId, () =>
      slack.addReaction(channelId, ts, job.payload.name),
    );
  };
}
