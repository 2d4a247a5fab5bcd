// What the team sends besides replies: saved replies, scheduled messages, contact tags and campaigns.
import { ContactTagging } from "../core/campaigns/tags.js";
import type { InboxPolicy } from "../core/inbox-policy.js";
import { SavedReplies, SavedReplyForm } from "../core/saved-replies.js";
import { ScheduledSends } from "../core/scheduled-sends.js";
import type { CoreParts } from "./core-parts.js";

/** A campaign's progress message is edited at most this often: its channel keeps its pace for threads. */
const campaignProgressEveryMs = 3_000;

export function wireOutbound(
  { config, database, slack, membership, home, logger, now }: CoreParts,
  policy: InboxPolicy,
  progressEveryMs = campaignProgressEveryMs,
) {
  const { store, queue, pacing, tags, campaigns, snippets, scheduledMessages } = database;
  const savedReplies = new SavedReplies(
    snippets,
    slack,
    policy,
    membership,
    logger.child({ component: "saved-replies" }),
    now,
  );
  return {
    savedReplies,
    savedReplyForm: new SavedReplyForm(
      savedReplies,
      store,
      snippets,
      membership,
      logger.child({ component: "saved-replies" }),
    ),
    scheduledSends: new ScheduledSends(
      scheduledMessages,
      slack,
      membership,
      logger.child({ component: "scheduled" }),
      now,
      (userId) => home.refresh([userId]),
    ),
    tagging: new ContactTagging(tags, queue, logger.child({ component: "tags" }), now),
    /** What the delivery worker's campaign jobs need. */
    campaignJobs: { store: campaigns, pacing, ratePerSecond: config.campaignRatePerSecond, progressEveryMs },
    /** What `/threadline campaign` needs. */
    campaignCommands: {
      tags,
      store: campaigns,
      queue,
      settings: {
        senders: config.starting.senders,
        admins: config.admins,
        ratePerSecond: config.campaignRatePerSecond,
      },
    },
  };
}
