import type { Job, JobKind } from "../../ports/queue.js";
import { defaultLookupPatienceMs, EarlierAttempts } from "../earlier-attempts.js";
import type { JobHandlers } from "../worker.js";
import { campaignProgress } from "./campaign-progress.js";
import { campaignSend } from "./campaign-send.js";
import { channelNotice } from "./channel-notice.js";
import { customerSend } from "./customer-send.js";
import type { HandlerDependencies } from "./dependencies.js";
import { erasePosts } from "./erase-posts.js";
import { notice } from "./notice.js";
import { nudge } from "./nudge.js";
import { postAutoReply } from "./post-auto-reply.js";
import { postInbound } from "./post-inbound.js";
import { postMedia } from "./post-media.js";
import { postStarted } from "./post-started.js";
import { react } from "./react.js";
import { refreshProfile } from "./refresh-profile.js";
import { reminder } from "./reminder.js";
import { replyOutcomes } from "./reply-outcomes.js";
import { scheduledNotice, scheduledSend } from "./scheduled.js";
import { threadAccess } from "./threads.js";
import { updateParent } from "./update-parent.js";

export type { HandlerDependencies } from "./dependencies.js";
export { deliveryGiveUps } from "./gave-up.js";

/** Posts of customer messages (and their files) are held, not dropped, when they fail for good. */
const customerMessagePosts: ReadonlySet<JobKind> = new Set(["slack.postInbound", "slack.postMedia"]);
export const holdOnFailure = (job: Job) => customerMessagePosts.has(job.kind);

/** One handler per job kind, each in its own file; what their look-ups answered is kept per job across attempts. */
export function deliveryHandlers(deps: HandlerDependencies): JobHandlers {
  const earlier = new EarlierAttempts(deps.lookupPatienceMs ?? defaultLookupPatienceMs, deps.now ?? Date.now);
  const threads = threadAccess(deps, earlier);
  const handlers: JobHandlers = {
    "slack.postInbound": postInbound(deps, threads),
    "slack.postMedia": postMedia(deps, threads),
    "slack.postStarted": postStarted(deps, threads),
    "slack.updateParent": updateParent(deps, threads),
    "slack.notice": notice(deps, threads),
    "slack.channelNotice": channelNotice(deps),
    "slack.erasePosts": erasePosts(deps),
    "slack.react": react(deps, threads),
    "slack.reminder": reminder(deps),
    "slack.postAutoReply": postAutoReply(deps, threads),
    "slack.nudge": nudge(deps),
    "customer.send": customerSend(deps, threads, earlier, replyOutcomes(deps)),
    "contact.refreshProfile": refreshProfile(deps, threads),
    "slack.scheduledNotice": scheduledNotice(deps, threads),
    "customer.scheduled": scheduledSend(deps),
    "campaign.send": campaignSend(deps),
    "campaign.progress": campaignProgress(deps),
    "slack.dailyReport": async (job) => {
      await deps.dailyReport?.(job.payload.channelId, job.payload.time, job.id);
    },
  };
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, handler]) => [
      kind,
      async (job: Job) => {
        try {
          await (handler as (job: Job) => Promise<void>)(job);
          earlier.settled(job);
        } catch (error) {
          earlier.settled(job, error);
          throw error;
        }
      },
    ]),
  ) as unknown as JobHandlers;
}
