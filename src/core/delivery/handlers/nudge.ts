import { formatDuration } from "../../hours/business-hours.js";
import { addBusinessTime } from "../../hours/business-time.js";
import { teamHours } from "../../hours/team-service.js";
import { nudgeLane, slackLane } from "../../lane-names.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * A response-time target came due. The wait it was set for may have ended (a reply, a close, the assignee's
 * note) or the team may have cleared the target: then nothing is posted. When the team changed its hours or
 * target since, it waits again until the target counted with the current ones. Otherwise a line goes to the
 * thread through the conversation's Slack lane, mentioning the assignee or saying nobody is assigned.
 */
export function nudge({ store, logger, now = Date.now }: HandlerDependencies) {
  return async (job: Extract<Job, { kind: "slack.nudge" }>) => {
    const { conversationId, since } = job.payload;
    const context = await store.conversationContext(conversationId);
    const { conversation, inbox } = context ?? {};
    if (!conversation || !inbox?.slackChannelId) {
      logger.info({ conversationId, since }, "nudge dropped: the conversation's inbox is not in a channel");
      return;
    }
    if (conversation.status === "closed" || conversation.unansweredSince?.getTime() !== since) {
      logger.info({ conversationId, since }, "nudge dropped: the customer's wait has ended");
      return;
    }
    const team = await store.teamSettings(inbox.slackChannelId);
    if (!team.slaMinutes) {
      logger.info({ conversationId, since }, "nudge dropped: the team cleared its response-time target");
      return;
    }
    const due = addBusinessTime(teamHours(team), since, team.slaMinutes * 60_000);
    if (due > now()) {
      await store.write({
        jobs: [
          { lane: nudgeLane(conversationId, since), kind: "slack.nudge", payload: job.payload, runAt: due },
        ],
      });
      logger.info({ conversationId, since, due: new Date(due) }, "nudge moved: the team's target changed");
      return;
    }
    const waited = `has waited over ${formatDuration(team.slaMinutes)} of business hours for a reply`;
    const text = conversation.assigneeId
      ? `⏱️ <@${conversation.assigneeId}>, the customer ${waited}.`
      : `⏱️ The customer ${waited}, and nobody is assigned: react with :eyes: on their first message to take it.`;
    const recorded = await store.recordNudge(
      {
        conversationId,
        unansweredSince: new Date(since),
        assigneeId: conversation.assigneeId,
        postedAt: new Date(now()),
      },
      [
        {
          lane: slackLane(conversationId),
          kind: "slack.notice",
          payload: { conversationId, text, currentChannel: true },
        },
      ],
    );
    if (!recorded) {
      logger.info({ conversationId, since }, "nudge already posted for this wait");
      return;
    }
    logger.info(
      { conversationId, since, assignee: conversation.assigneeId },
      "nudge due: its line goes to the thread",
    );
  };
}
