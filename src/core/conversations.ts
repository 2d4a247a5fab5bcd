import { customerLane, slackLane } from "./lanes.js";
import type { AgentReply, DeliveryReport, InboundMessage } from "./model.js";
import { advancesStatus } from "./policies/delivery-status.js";
import type { ChannelRegistry, CoreLogger, NewJob, Store } from "./ports.js";
import { isInternalNote } from "./text.js";

export type InboundOutcome =
  | { readonly result: "recorded"; readonly conversationId: number; readonly messageId: number }
  | { readonly result: "duplicate"; readonly messageId: number };

export type ReplyOutcome =
  | { readonly result: "recorded"; readonly conversationId: number; readonly messageId: number }
  | { readonly result: "duplicate" | "not_a_conversation" | "internal_note" };

/**
 * The two directions of a conversation. Each records the message and the side effects it causes in one
 * transaction and returns; the delivery queue does the slow part.
 */
export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly wakeDelivery: () => void,
    private readonly logger: CoreLogger,
    /** To know which channels can look a new contact's profile up; without it none is looked up. */
    private readonly channels?: ChannelRegistry,
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
      // Ahead of the first post, so the thread starts with the customer's name when the lookup works.
      const lookup: NewJob[] =
        created && !contact.displayName && this.channels?.[inbound.kind]?.lookupContact
          ? [
              {
                lane,
                kind: "contact.refreshProfile",
                payload: { conversationId: conversation.id, inline: true },
              },
            ]
          : [];
      await tx.enqueue([
        ...lookup,
        {
          lane,
          kind: "slack.postInbound",
          payload: { messageId: message.id, ...(reopened ? { reopened } : {}) },
        },
        ...(reopened
          ? [{ lane, kind: "slack.updateParent" as const, payload: { conversationId: conversation.id } }]
          : []),
      ]);
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

  /** Moves the reported outbound messages forward (delivered, read); returns how many changed. */
  async deliveryReported(report: DeliveryReport): Promise<number> {
    const advanced = await this.store.transaction(async (tx) => {
      const messages = await tx.findReportedMessages(report);
      const moving = messages.filter((message) => advancesStatus(message.status, report.status));
      for (const message of moving) await tx.updateMessage(message.id, { status: report.status });
      return moving.map((message) => message.id);
    });
    this.logger.info(
      { channel: report.kind, status: report.status, messageIds: advanced, upTo: report.upTo },
      advanced.length > 0 ? "delivery report recorded" : "delivery report changed nothing",
    );
    return advanced.length;
  }

  async agentReplied(reply: AgentReply): Promise<ReplyOutcome> {
    const context = await this.store.conversationByThread(reply.channelId, reply.threadTs);
    if (!context) return { result: "not_a_conversation" };
    if (isInternalNote(reply.text)) return { result: "internal_note" };

    const outcome = await this.store.transaction<ReplyOutcome>(async (tx) => {
      if (await tx.findMessageBySlackTs(reply.channelId, reply.ts)) return { result: "duplicate" };
      const message = await tx.createMessage({
        conversationId: context.conversation.id,
        direction: "out",
        body: reply.text,
        attachments: [],
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
}
