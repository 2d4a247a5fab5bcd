import type { JobHandlers } from "../worker.js";
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
import { threadAccess } from "./threads.js";
import { updateParent } from "./update-parent.js";

export type { HandlerDependencies } from "./dependencies.js";

/** One handler per job kind, each in its own file. */
export function deliveryHandlers(deps: HandlerDependencies): JobHandlers {
  const threads = threadAccess(deps);
  return {
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
    "customer.send": customerSend(deps, threads),
    "contact.refreshProfile": refreshProfile(deps, threads),
  };
}
