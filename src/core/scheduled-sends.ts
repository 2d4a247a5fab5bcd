import { scheduledLane, slackLane } from "./lane-names.js";
import type { ChannelMembership } from "./membership.js";
import type { AgentReply, ConversationContext } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ScheduledMessageStore } from "./ports/scheduled-messages.js";
import type { SlackPort } from "./ports/slack.js";
import { quoted } from "./saved-replies.js";
import { formatWhen, scheduledTime } from "./scheduled-time.js";
import { isKnownTimeZone } from "./zoned-time.js";

export type ScheduleOutcome =
  | { readonly result: "scheduled"; readonly id: number; readonly sendAt: Date }
  | { readonly result: "duplicate" }
  | { readonly result: "refused"; readonly reason: string };

/**
 * `later <when>: …` in a conversation's thread: kept, then sent at its time as the writer's reply (decision
 * 0031). Its line in the thread has a **Cancel** button anyone in the channel may use.
 */
export class ScheduledSends {
  constructor(
    private readonly scheduled: ScheduledMessageStore,
    private readonly slack: Pick<SlackPort, "userTimeZone" | "replaceMessage">,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
    /** Told whose scheduled messages changed, so their App Home lists them. */
    private readonly changed: (userId: string) => void = () => {},
  ) {}

  async schedule(
    reply: AgentReply,
    context: ConversationContext,
    /** `savedReply`: the body is a saved reply filled in, which the line in the thread then shows. */
    later: { readonly when: string; readonly body: string; readonly savedReply?: boolean },
  ): Promise<ScheduleOutcome> {
    const refuse = (reason: string): ScheduleOutcome => {
      this.logger.warn(
        { conversationId: context.conversation.id, user: reply.userId, reason },
        "scheduled message refused",
      );
      return { result: "refused", reason: `Not scheduled: ${reason}` };
    };
    if (reply.files.length > 0) {
      return refuse("files can't be scheduled. Send them now, and schedule the text on its own.");
    }
    if (!later.body) return refuse("there is nothing to send after `later <when>:`.");
    const zone = await this.slack.userTimeZone(reply.userId);
    const timeZone = zone && isKnownTimeZone(zone) ? zone : "UTC";
    const now = new Date(this.now());
    const time = scheduledTime(later.when, now, timeZone);
    if ("problem" in time) return refuse(time.problem);
    const when = `${formatWhen(time.at, timeZone, now)}${zone === timeZone ? "" : " UTC (your Slack time zone could not be read)"}`;
    const added = await this.scheduled.add(
      {
        conversationId: context.conversation.id,
        slackChannelId: reply.channelId,
        slackTs: reply.ts,
        threadTs: reply.threadTs,
        authorId: reply.userId,
        body: later.body,
        sendAt: time.at,
        createdAt: now,
      },
      ({ id }) => [
        {
          lane: slackLane(context.conversation.id),
          kind: "slack.scheduledNotice",
          payload: {
            scheduledId: id,
            text: `🕘 Scheduled for ${when} by <@${reply.userId}>${later.savedReply ? `:\n${quoted(later.body)}` : "."}`,
          },
        },
        {
          lane: scheduledLane(id),
          kind: "customer.scheduled",
          payload: { scheduledId: id, when },
          runAt: time.at.getTime(),
        },
      ],
    );
    if (!added) return { result: "duplicate" };
    this.logger.info(
      { conversationId: context.conversation.id, scheduledId: added.id, sendAt: time.at, timeZone },
      "message scheduled",
    );
    this.changed(reply.userId);
    return { result: "scheduled", id: added.id, sendAt: time.at };
  }

  /** The **Cancel** button: anyone in the channel; the line in the thread then says who cancelled. */
  async cancel(scheduledId: number, userId: string): Promise<string> {
    const found = Number.isSafeInteger(scheduledId) ? await this.scheduled.get(scheduledId) : null;
    if (!found) return "This scheduled message no longer exists in Threadline.";
    const outsider = await this.membership.refusal(
      userId,
      found.slackChannelId,
      "cancel its scheduled messages",
    );
    if (outsider) {
      this.logger.warn({ scheduledId, user: userId }, "scheduled message cancel refused");
      return `${outsider} Nothing was cancelled.`;
    }
    const settled = await this.scheduled.settle(scheduledId, "cancelled", userId);
    if (!settled) return "This scheduled message no longer exists in Threadline.";
    const { message } = settled;
    if (!settled.changed) {
      return message.state === "sent"
        ? "Too late: this message has been sent already."
        : `This message was already cancelled${message.cancelledBy ? ` by <@${message.cancelledBy}>` : ""}.`;
    }
    this.logger.info(
      { scheduledId, user: userId, conversationId: message.conversationId },
      "scheduled message cancelled",
    );
    if (message.noticeTs) {
      await this.slack
        .replaceMessage(
          message.slackChannelId,
          message.noticeTs,
          `🚫 Scheduled message cancelled by <@${userId}>: it will not be sent.`,
        )
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error, scheduledId },
            "could not mark the scheduled message's line as cancelled",
          ),
        );
    }
    this.changed(message.authorId);
    return "Cancelled: this message will not be sent.";
  }
}
