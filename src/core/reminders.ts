import type { ActionContext } from "./actions.js";
import { leftThreadReason } from "./inbox-policy.js";
import { reminderLane } from "./lane-names.js";
import type { ChannelMembership } from "./membership.js";
import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationStore } from "./ports/store.js";
import { isReminderChoice, reminderTime } from "./reminder-time.js";
import { isKnownTimeZone } from "./zoned-time.js";

export type ReminderOutcome =
  | {
      readonly result: "scheduled";
      readonly runAt: Date;
      /** The zone the time was computed in; null when the person's could not be read (UTC was used). */
      readonly timeZone: string | null;
    }
  | { readonly result: "refused"; readonly reason: string };

/**
 * "Remind me" on a thread's parent. A reminder is a delivery job due at its time, on a lane of its own: durable
 * (it survives restarts) and holding back nothing. When due, its handler posts in the thread unless the
 * conversation is closed by then.
 */
export class Reminders {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
    /** Told who set a reminder, so their App Home can list it. */
    private readonly scheduled: (userId: string) => void = () => {},
  ) {}

  async schedule(conversationId: number, choice: string, context: ActionContext): Promise<ReminderOutcome> {
    const refuse = (reason: string): ReminderOutcome => {
      this.logger.warn({ conversationId, user: context.userId, choice, reason }, "reminder refused");
      return { result: "refused", reason };
    };
    if (!isReminderChoice(choice))
      return refuse("That is not one of the reminder times; pick one from the menu.");
    const found = Number.isSafeInteger(conversationId)
      ? await this.store.conversationContext(conversationId)
      : null;
    if (!found?.conversation.slackChannelId) {
      return refuse("This conversation no longer exists in Threadline, so no reminder was set.");
    }
    const left = leftThreadReason(found, context);
    if (left) return refuse(`No reminder was set: ${left}`);
    const outsider = await this.membership.refusal(
      context.userId,
      found.inbox.slackChannelId as string,
      "set reminders on its conversations",
    );
    if (outsider) return refuse(`${outsider} No reminder was set.`);
    if (found.conversation.status === "closed") {
      return refuse("This conversation is closed, so no reminder was set. Reopen it first if it needs one.");
    }
    const zone = await this.slack.userTimeZone(context.userId);
    const timeZone = zone && isKnownTimeZone(zone) ? zone : null;
    const runAt = reminderTime(choice, new Date(this.now()), timeZone ?? "UTC");
    await this.store.write({
      jobs: [
        {
          lane: reminderLane(context.userId, conversationId, runAt.getTime()),
          kind: "slack.reminder",
          payload: { conversationId, userId: context.userId },
          runAt: runAt.getTime(),
        },
      ],
    });
    this.logger.info({ conversationId, user: context.userId, choice, runAt, timeZone }, "reminder scheduled");
    this.scheduled(context.userId);
    return { result: "scheduled", runAt, timeZone };
  }
}
