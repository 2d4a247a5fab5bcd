// Running the inbox: rotations (automatic assignment), satisfaction questions and reports.
import type { Activity } from "../activity.js";
import type { Conversations } from "../core/conversations.js";
import { AutoAssigner } from "../core/operations/auto-assign.js";
import { DailyReports } from "../core/operations/daily-report.js";
import { ChannelReports } from "../core/operations/report.js";
import { SatisfactionSurveys } from "../core/operations/satisfaction.js";
import type { CoreParts } from "./core-parts.js";

export function wireOperations({ database, slack, channels, home, logger, now }: CoreParts) {
  const { store, reports, satisfaction, autoAssignments } = database;
  const channelReports = new ChannelReports(reports, store, channels, now);
  return {
    channelReports,
    dailyReports: new DailyReports(
      reports,
      channelReports,
      store,
      slack,
      logger.child({ component: "reports" }),
      now,
    ),
    surveys: new SatisfactionSurveys(
      satisfaction,
      store,
      channels,
      logger.child({ component: "satisfaction" }),
      now,
    ),
    autoAssigner: new AutoAssigner(
      autoAssignments,
      slack,
      logger.child({ component: "autoassign" }),
      (userIds) => home.refresh(userIds),
    ),
  };
}

/** A customer's message assigns its conversation by the channel's rotation, when it has one. */
export function assignWhenCustomersWrite(
  conversations: Conversations,
  autoAssigner: AutoAssigner,
  activity: Activity,
  { logger }: Pick<CoreParts, "logger">,
): void {
  conversations.onCustomerWrote((conversationId) => {
    // After the webhook's commit, beside its answer: a failure leaves the conversation for the next message.
    activity
      .track(() => autoAssigner.customerWrote(conversationId))
      .catch((error: unknown) =>
        logger.warn(
          { err: error, conversationId },
          "automatic assignment failed; the next customer message tries again",
        ),
      );
  });
}
