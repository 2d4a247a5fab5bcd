import { leftThreadReason } from "../../inbox-policy.js";
import { customerLane } from "../../lane-names.js";
import type { Job } from "../../ports/queue.js";
import type { ScheduledMessageStore } from "../../ports/scheduled-messages.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

function storeOf(deps: HandlerDependencies): ScheduledMessageStore {
  if (!deps.scheduledMessages) throw new Error("scheduled messages are not wired into the delivery handlers");
  return deps.scheduledMessages;
}

/**
 * The "🕘 Scheduled for …" line under the `later …` message, with its **Cancel** button; its ts is kept so the
 * line can say later that the message was sent or cancelled. Posted once: a retry after it was kept does nothing.
 */
export function scheduledNotice(deps: HandlerDependencies, threads: ThreadAccess) {
  const { slack, logger } = deps;
  return async (job: Extract<Job, { kind: "slack.scheduledNotice" }>) => {
    const scheduled = storeOf(deps);
    const message = await scheduled.get(job.payload.scheduledId);
    if (!message || message.noticeTs) return;
    const context = await threads.loadContext(message.conversationId);
    const text =
      message.state === "cancelled"
        ? `🚫 Scheduled message cancelled${message.cancelledBy ? ` by <@${message.cancelledBy}>` : ""}: it will not be sent.`
        : job.payload.text;
    const posted = await threads.holdOnChannelProblem(context, message.slackChannelId, () =>
      slack.postInThread(message.slackChannelId, message.threadTs, {
        text,
        ...(message.state === "scheduled" ? { cancelScheduled: message.id } : {}),
      }),
    );
    await scheduled.setNotice(message.id, posted.ts);
    logger.info(
      { scheduledId: message.id, conversationId: message.conversationId },
      "scheduled message's line posted",
    );
  };
}

/**
 * A scheduled message whose time came: unless it was cancelled, it is recorded as its writer's reply under the
 * `later …` message's ts (so a retry records it once, and ✅/❌ land on that message) and sent by `customer.send`,
 * which checks opt-out and the reply window now, as for any reply.
 */
export function scheduledSend(deps: HandlerDependencies) {
  const { store, slack, logger } = deps;
  const line = async (channelId: string, ts: string | null, text: string) => {
    if (!ts) return;
    await slack
      .replaceMessage(channelId, ts, text)
      .catch((error: unknown) =>
        logger.warn({ err: error }, "could not update the scheduled message's line"),
      );
  };
  return async (job: Extract<Job, { kind: "customer.scheduled" }>) => {
    const scheduled = storeOf(deps);
    const { scheduledId, when } = job.payload;
    const found = await scheduled.get(scheduledId);
    if (!found || found.state === "cancelled") {
      logger.info({ scheduledId }, "scheduled message not sent: it was cancelled");
      return;
    }
    const context = await store.conversationContext(found.conversationId);
    const left = context
      ? leftThreadReason(context, { channelId: found.slackChannelId, threadTs: found.threadTs })
      : "this conversation no longer exists.";
    if (left && found.state === "scheduled") {
      const settled = await scheduled.settle(scheduledId, "cancelled", null);
      if (settled?.changed) {
        logger.warn({ scheduledId, reason: left }, "scheduled message not sent: the thread was left");
        await line(found.slackChannelId, found.noticeTs, `⚠️ Scheduled message for ${when} not sent: ${left}`);
        deps.reminderSettled?.(found.authorId);
        return;
      }
    }
    // A cancel may have come in between: the first to settle it wins. A retry after "sent" goes on to record it.
    const settled = await scheduled.settle(scheduledId, "sent", null);
    if (settled?.message.state !== "sent" || !context) return;
    const messageId = await store.recordReply(
      {
        conversationId: found.conversationId,
        provider: context.inbox.kind,
        channelId: found.slackChannelId,
        ts: found.slackTs,
        userId: found.authorId,
        text: found.body,
        files: [],
      },
      (id) => [
        { lane: customerLane(found.conversationId), kind: "customer.send", payload: { messageId: id } },
      ],
    );
    logger.info(
      { scheduledId, conversationId: found.conversationId, messageId, retried: messageId === null },
      "scheduled message due: sending it",
    );
    await line(
      found.slackChannelId,
      settled.message.noticeTs,
      `🕘 Sent as scheduled for ${when} by <@${found.authorId}>.`,
    );
    deps.reminderSettled?.(found.authorId);
  };
}
