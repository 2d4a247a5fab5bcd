import { deliveredReaction, failedReaction, statusAdvances } from "./delivery-status.js";
import { leftThreadReason } from "./inbox-policy.js";
import { customerLane, slackLane } from "./lanes.js";
import type { AgentReply, ChannelKind, DeliveryReport, InboundMessage, MessageStatus } from "./model.js";
import type { ChannelRegistry, CoreLogger, NewJob, Store } from "./ports.js";
import { isInternalNote } from "./text.js";

export type InboundOutcome =
  | { readonly result: "recorded"; readonly conversationId: number; readonly messageId: number }
  | { readonly result: "duplicate"; readonly messageId: number };

/** A provider's report on a message we sent (Twilio status callback, Messenger delivery/read). */
export interface ProviderStatus {
  readonly kind: ChannelKind;
  readonly providerMessageId: string;
  readonly status: MessageStatus;
  readonly errorCode?: string | undefined;
  /** The failure in plain words, when it is one. */
  readonly reason?: string | undefined;
}

/** Statuses of a message the provider has accepted and not reported as failed. */
const acceptedStatuses: ReadonlySet<MessageStatus> = new Set(["queued", "sent", "delivered"]);

export type ReplyOutcome =
  | { readonly result: "recorded"; readonly conversationId: number; readonly messageId: number }
  | { readonly result: "duplicate" | "not_a_conversation" | "internal_note" }
  /** Typed in a thread the conversation has left: not sent, and `reason` tells the agent why. */
  | { readonly result: "refused"; readonly reason: string };

/**
 * The two directions of a conversation. Each records the message and the side effects it causes in one
 * transaction and returns; the delivery queue does the slow part.
 */
export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly channels: ChannelRegistry,
    private readonly wakeDelivery: () => void,
    private readonly logger: CoreLogger,
  ) {}

  async receive(inbound: InboundMessage): Promise<InboundOutcome> {
    const outcome = await this.store.transaction<InboundOutcome>(async (tx) => {
      const known = await tx.findMessageByProviderId(inbound.kind, inbound.providerMessageId);
      if (known) return { result: "duplicate", messageId: known.id };

      const inbox = await tx.upsertInbox(inbound.kind, inbound.inboxAddress);
      const contact = await tx.upsertContact(inbound.kind, inbound.contactAddress);
      const { conversation, created } = await tx.upsertConversation(inbox.id, contact.id);
      const reopened = conversation.status === "closed";
      // A provider may redeliver an old message after newer ones: the reply window counts from the latest.
      const latest = conversation.lastInboundAt;
      await tx.updateConversation(conversation.id, {
        lastInboundAt: latest && latest > inbound.receivedAt ? latest : inbound.receivedAt,
        ...(reopened ? { status: "open", closedBy: null, closedAt: null } : {}),
      });
      const message = await tx.createMessage({
        conversationId: conversation.id,
        direction: "in",
        body: inbound.text,
        attachments: inbound.attachments,
        provider: inbound.kind,
        providerMessageId: inbound.providerMessageId,
        slackChannelId: null,
        slackTs: null,
        authorSlackUserId: null,
        status: "received",
        createdAt: inbound.receivedAt,
      });
      const lane = slackLane(conversation.id);
      const optIn = this.channels[inbound.kind].optInChange(inbound.text);
      const optInChanged = optIn !== null && (optIn === "opt_out") !== contact.optedOut;
      if (optInChanged) await tx.setContactOptedOut(contact.id, optIn === "opt_out");
      const jobs: NewJob[] = [];
      // Ahead of the first post, so the thread starts with the customer's name when the lookup works.
      if (created && !contact.displayName && this.channels[inbound.kind].lookupContact) {
        jobs.push({
          lane,
          kind: "contact.refreshProfile",
          payload: { conversationId: conversation.id, inline: true },
        });
      }
      jobs.push(
        {
          lane,
          kind: "slack.postInbound",
          payload: { messageId: message.id, ...(reopened ? { reopened } : {}) },
        },
        ...inbound.attachments.map((_, index) => ({
          lane,
          kind: "slack.postMedia" as const,
          payload: { messageId: message.id, index },
        })),
      );
      if (reopened || optInChanged) {
        jobs.push({ lane, kind: "slack.updateParent", payload: { conversationId: conversation.id } });
      }
      if (optInChanged) {
        const text =
          optIn === "opt_out"
            ? "🚫 The customer opted out. Replies in this thread will not be sent until they text START."
            : "✅ The customer opted back in. Replies are sent again.";
        jobs.push({ lane, kind: "slack.notice", payload: { conversationId: conversation.id, text } });
      }
      await tx.enqueue(jobs);
      return { result: "recorded", conversationId: conversation.id, messageId: message.id };
    });
    if (outcome.result === "recorded") {
      this.logger.info(
        { conversationId: outcome.conversationId, messageId: outcome.messageId, channel: inbound.kind },
        "inbound message recorded",
      );
      this.wakeDelivery();
    } else {
      this.logger.info(
        { messageId: outcome.messageId, providerMessageId: inbound.providerMessageId },
        "inbound message already recorded; redelivery ignored",
      );
    }
    return outcome;
  }

  /**
   * A report covering several messages at once (Messenger's delivery and read watermarks): each message it
   * covers moves forward, and delivered ones get ✅ as with providerStatusChanged. Only messages the provider
   * accepted move: a watermark also covers replies still waiting in the queue, or refused. Returns how many
   * changed.
   */
  async deliveryReported(report: DeliveryReport): Promise<number> {
    const advanced = await this.store.transaction(async (tx) => {
      const messages = await tx.findReportedMessages(report);
      const moving = messages.filter(
        (message) => acceptedStatuses.has(message.status) && statusAdvances(message.status, report.status),
      );
      const jobs: NewJob[] = [];
      for (const message of moving) {
        await tx.updateMessage(message.id, { status: report.status });
        if (report.status === "delivered") {
          jobs.push({
            lane: slackLane(message.conversationId),
            kind: "slack.react",
            payload: { messageId: message.id, name: deliveredReaction },
          });
        }
      }
      await tx.enqueue(jobs);
      return moving.map((message) => message.id);
    });
    this.logger.info(
      { channel: report.kind, status: report.status, messageIds: advanced, upTo: report.upTo },
      advanced.length > 0 ? "delivery report recorded" : "delivery report changed nothing",
    );
    if (advanced.length > 0) this.wakeDelivery();
    return advanced.length;
  }

  async agentReplied(reply: AgentReply): Promise<ReplyOutcome> {
    const context =
      (await this.store.conversationByThread(reply.channelId, reply.threadTs)) ??
      (await this.store.conversationByPastThread(reply.channelId, reply.threadTs));
    if (!context) return { result: "not_a_conversation" };
    if (isInternalNote(reply.text)) return { result: "internal_note" };
    const left = leftThreadReason(context, reply);
    if (left) {
      this.logger.warn(
        { conversationId: context.conversation.id, channel: reply.channelId, ts: reply.ts, reason: left },
        "reply in a thread the conversation has left; not sent",
      );
      return { result: "refused", reason: `Not sent to the customer: ${left}` };
    }

    const outcome = await this.store.transaction<ReplyOutcome>(async (tx) => {
      if (await tx.findMessageBySlackTs(reply.channelId, reply.ts)) return { result: "duplicate" };
      const message = await tx.createMessage({
        conversationId: context.conversation.id,
        direction: "out",
        body: reply.text,
        attachments: reply.files,
        provider: context.inbox.kind,
        providerMessageId: null,
        slackChannelId: reply.channelId,
        slackTs: reply.ts,
        authorSlackUserId: reply.userId,
        status: "pending",
      });
      await tx.enqueue([
        {
          lane: customerLane(context.conversation.id),
          kind: "customer.send",
          payload: { messageId: message.id },
        },
      ]);
      return { result: "recorded", conversationId: context.conversation.id, messageId: message.id };
    });
    if (outcome.result === "recorded") {
      this.logger.info(
        { conversationId: outcome.conversationId, messageId: outcome.messageId, user: reply.userId },
        "agent reply recorded",
      );
      this.wakeDelivery();
    } else if (outcome.result === "duplicate") {
      this.logger.info(
        { channel: reply.channelId, ts: reply.ts },
        "Slack event already recorded; retry ignored",
      );
    }
    return outcome;
  }

  /** Records how far a sent message got, and marks the agent's Slack message: ✅ delivered, ❌ failed. */
  async providerStatusChanged(report: ProviderStatus): Promise<"updated" | "stale" | "unknown"> {
    const outcome = await this.store.transaction(async (tx) => {
      const message = await tx.findMessageByProviderId(report.kind, report.providerMessageId);
      if (message?.direction !== "out") return { result: "unknown" as const, message: undefined };
      if (!statusAdvances(message.status, report.status)) return { result: "stale" as const, message };
      const failed = report.status === "failed" || report.status === "undelivered";
      await tx.updateMessage(message.id, {
        status: report.status,
        ...(failed ? { errorCode: report.errorCode ?? null, errorMessage: report.reason ?? null } : {}),
      });
      const lane = slackLane(message.conversationId);
      const jobs: NewJob[] = [];
      if (report.status === "delivered" || failed) {
        const name = failed ? failedReaction : deliveredReaction;
        jobs.push({ lane, kind: "slack.react", payload: { messageId: message.id, name } });
      }
      if (failed) {
        const text = `⚠️ Not delivered to the customer: ${report.reason ?? "the provider reported a failure"}`;
        jobs.push({ lane, kind: "slack.notice", payload: { conversationId: message.conversationId, text } });
      }
      await tx.enqueue(jobs);
      return { result: "updated" as const, message };
    });
    const context = {
      providerMessageId: report.providerMessageId,
      status: report.status,
      errorCode: report.errorCode,
      messageId: outcome.message?.id,
      conversationId: outcome.message?.conversationId,
    };
    if (outcome.result === "updated") {
      this.logger.info(context, "delivery status updated");
      this.wakeDelivery();
    } else {
      this.logger.info(
        context,
        outcome.result === "stale" ? "stale delivery status ignored" : "status for an unknown message",
      );
    }
    return outcome.result;
  }
}
