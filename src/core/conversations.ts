import { messageChanged, type SlackMessageChange } from "./edits.js";
import { businessTimeBetween } from "./hours/business-time.js";
import { teamHours } from "./hours/team-service.js";
import { inboundEffects } from "./inbound-effects.js";
import { leftThreadReason } from "./inbox-policy.js";
import { customerLane, slackLane } from "./lane-names.js";
import type {
  AgentReply,
  ChannelKind,
  Conversation,
  ConversationContext,
  DeliveryReport,
  InboundMessage,
  Message,
} from "./model.js";
import { scoreLine, scoreOf, surveyWindowMs } from "./operations/satisfaction.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { OpenSurvey, Satisfaction } from "./ports/satisfaction.js";
import type { ConversationStore, InboundOutcome } from "./ports/store.js";
import { type ProviderStatus, partStatusEffects, watermarkEffects } from "./provider-status.js";
import { isInternalNote } from "./text.js";
import { type ReplyKinds, ThreadReplies } from "./thread-replies.js";

export type { InboundOutcome, ProviderStatus, ReplyKinds };

/** A reply that ended a customer's wait, and how long they waited (in business time when the team has hours). */
export interface FirstResponse {
  readonly kind: ChannelKind;
  readonly inboxAddress: string;
  readonly waitedMs: number;
}

export type ReplyOutcome =
  | {
      readonly result: "recorded";
      readonly conversationId: number;
      readonly messageId: number;
      readonly firstResponse: FirstResponse | null;
    }
  | { readonly result: "duplicate" | "not_a_conversation" | "internal_note" | "scheduled" }
  /** Typed in a thread the conversation has left: not sent, and `reason` tells the agent why. */
  | { readonly result: "refused"; readonly reason: string }
  /** `tag:`/`untag:`: internal; `confirmation` tells the agent the contact's tags now. */
  | { readonly result: "tagged"; readonly confirmation: string };

/**
 * The two directions of a conversation. Each records the message and the side effects it causes in one
 * transaction and returns; the delivery queue does the slow part.
 */
export class Conversations {
  private readonly customerWroteListeners: ((conversationId: number) => void)[] = [];
  private readonly threadReplies: ThreadReplies;

  constructor(
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    /** The clock business hours and waits are measured with. */
    private readonly now: () => number = Date.now,
    /** What a thread reply may ask for besides being sent as typed. */
    replyKinds: ReplyKinds = {},
    /** Satisfaction questions waiting for an answer; without it, every message is an ordinary one. */
    private readonly satisfaction: Satisfaction | null = null,
  ) {
    this.threadReplies = new ThreadReplies(replyKinds, logger);
  }

  /** Called once a customer's new message is committed (automatic assignment looks at its conversation). */
  onCustomerWrote(listener: (conversationId: number) => void): void {
    this.customerWroteListeners.push(listener);
  }

  async receive(inbound: InboundMessage): Promise<InboundOutcome> {
    const answer = await this.surveyAnswer(inbound);
    const outcome = await this.store.recordInbound(inbound, (state) =>
      inboundEffects(
        inbound,
        state,
        this.channels,
        this.now,
        answer?.survey.conversationId === state.conversation.id,
      ),
    );
    if (outcome.result === "recorded" && answer?.survey.conversationId === outcome.conversationId) {
      await this.recordScore(answer.survey, answer.score);
    }
    if (outcome.result === "recorded") {
      this.logger.info(
        { conversationId: outcome.conversationId, messageId: outcome.messageId, channel: inbound.kind },
        "inbound message recorded",
      );
      for (const listener of this.customerWroteListeners) listener(outcome.conversationId);
    } else {
      this.logger.info(
        { messageId: outcome.messageId, providerMessageId: inbound.providerMessageId },
        "inbound message already recorded; redelivery ignored",
      );
    }
    return outcome;
  }

  /**
   * A report covering several messages at once (delivery and read watermarks): each message it
   * covers moves forward, and delivered ones get ✅ as with providerStatusChanged. Only messages the provider
   * accepted move: a watermark also covers replies still waiting in the queue, or refused. Returns how many
   * changed.
   */
  async deliveryReported(report: DeliveryReport): Promise<number> {
    const advanced = (
      await this.store.recordReport(report, (messages) => watermarkEffects(report, messages))
    ).map((message) => message.id);
    this.logger.info(
      { channel: report.kind, status: report.status, messageIds: advanced, upTo: report.upTo },
      advanced.length > 0 ? "delivery report recorded" : "delivery report changed nothing",
    );
    return advanced.length;
  }

  async agentReplied(reply: AgentReply): Promise<ReplyOutcome> {
    const context =
      (await this.store.conversationByThread(reply.channelId, reply.threadTs)) ??
      (await this.store.conversationByPastThread(reply.channelId, reply.threadTs));
    if (!context) return { result: "not_a_conversation" };
    const tagged = await this.threadReplies.tag(reply, context);
    if (tagged) return tagged;
    if (isInternalNote(reply.text)) {
      await this.assigneeNoted(context.conversation, reply.userId);
      return { result: "internal_note" };
    }
    const left = leftThreadReason(context, reply);
    if (left) {
      this.logger.warn(
        { conversationId: context.conversation.id, channel: reply.channelId, ts: reply.ts, reason: left },
        "reply in a thread the conversation has left; not sent",
      );
      return { result: "refused", reason: `Not sent to the customer: ${left}` };
    }

    const scheduled = await this.threadReplies.later(reply, context);
    if (scheduled) return scheduled;
    const saved = await this.threadReplies.savedReply(reply, context);
    if (saved && "refused" in saved) return { result: "refused", reason: saved.refused };
    const conversationId = context.conversation.id;
    const messageId = await this.store.recordReply(
      {
        conversationId,
        provider: context.inbox.kind,
        channelId: reply.channelId,
        ts: reply.ts,
        userId: reply.userId,
        text: saved?.text ?? reply.text,
        files: reply.files,
        ...(reply.fromForm ? { fromForm: true as const } : {}),
      },
      (id) => [
        // A reply from a form is posted in the thread first (under its writer's name), and sent from there.
        reply.fromForm
          ? {
              lane: slackLane(conversationId),
              kind: "slack.postStarted" as const,
              payload: { messageId: id, formKey: reply.ts },
            }
          : {
              lane: customerLane(conversationId),
              kind: "customer.send" as const,
              payload: { messageId: id },
            },
        // The thread shows what the customer gets, not only the `;name` the agent typed.
        ...(saved
          ? [
              {
                lane: slackLane(conversationId),
                kind: "slack.notice" as const,
                payload: { conversationId, text: saved.shown },
              },
            ]
          : []),
      ],
    );
    const outcome: ReplyOutcome =
      messageId === null
        ? { result: "duplicate" }
        : {
            result: "recorded",
            conversationId: context.conversation.id,
            messageId,
            firstResponse: await this.firstResponse(context),
          };
    if (outcome.result === "recorded") {
      this.logger.info(
        { conversationId: outcome.conversationId, messageId: outcome.messageId, user: reply.userId },
        "agent reply recorded",
      );
    } else if (outcome.result === "duplicate") {
      this.logger.info(
        { channel: reply.channelId, ts: reply.ts },
        "Slack event already recorded; retry ignored",
      );
    }
    return outcome;
  }

  /** The survey a customer's message answers: one digit from 1 to 5, within a day of the question. */
  private async surveyAnswer(inbound: InboundMessage): Promise<{ survey: OpenSurvey; score: number } | null> {
    const score = this.satisfaction ? scoreOf(inbound) : null;
    if (score === null || !this.satisfaction) return null;
    const survey = await this.satisfaction.openSurvey(inbound, new Date(this.now() - surveyWindowMs));
    return survey ? { survey, score } : null;
  }

  private async recordScore(survey: OpenSurvey, score: number): Promise<void> {
    if (!(await this.satisfaction?.answer(survey.surveyId, score, new Date(this.now())))) return;
    const { conversationId } = survey;
    await this.store.write({
      jobs: [
        {
          lane: slackLane(conversationId),
          kind: "slack.notice",
          payload: { conversationId, text: scoreLine(score) },
        },
      ],
    });
    this.logger.info({ conversationId, surveyId: survey.surveyId, score }, "satisfaction answer recorded");
  }

  /** How long the customer had waited when this reply came, if it ended a wait. */
  private async firstResponse(context: ConversationContext): Promise<FirstResponse | null> {
    const since = context.conversation.unansweredSince;
    if (!since || !context.inbox.slackChannelId) return null;
    const team = await this.store.teamSettings(context.inbox.slackChannelId);
    return {
      kind: context.inbox.kind,
      inboxAddress: context.inbox.address,
      waitedMs: businessTimeBetween(teamHours(team), since.getTime(), this.now()),
    };
  }

  /**
   * The assignee writing an internal note shows they are on it: the customer's wait ends for the response-time
   * target (not for App Home, which counts until the customer gets an answer).
   */
  private async assigneeNoted(conversation: Conversation, userId: string): Promise<void> {
    if (!conversation.unansweredSince || conversation.assigneeId !== userId) return;
    await this.store.write({ conversations: [[conversation.id, { unansweredSince: null }]] });
    this.logger.info({ conversationId: conversation.id, user: userId }, "assignee's note ends the wait");
  }

  /** An edit or deletion in Slack: see edits.ts. Returns what to tell the message's author, if anything. */
  slackMessageChanged(change: SlackMessageChange): Promise<string | null> {
    return messageChanged(this.store, this.logger, change);
  }

  /**
   * Records how far a sent message (or one part of a long one) got, and marks the agent's Slack message: ✅ once
   * every part is delivered, ❌ and the reason as soon as any part failed.
   */
  async providerStatusChanged(report: ProviderStatus): Promise<"updated" | "stale" | "unknown"> {
    let result = "unknown" as "updated" | "stale" | "unknown";
    let message: Message | undefined;
    await this.store.recordReport(
      {
        ...report,
        inboxAddress: "",
        contactAddress: "",
        providerMessageIds: [report.providerMessageId],
        upTo: null,
      },
      ([found], parts) => {
        message = found;
        if (!found) return {};
        const write = partStatusEffects(found, parts, report);
        result = write ? "updated" : "stale";
        return write ?? {};
      },
    );
    const outcome = { result, message };
    const context = {
      providerMessageId: report.providerMessageId,
      status: report.status,
      errorCode: report.errorCode,
      messageId: outcome.message?.id,
      conversationId: outcome.message?.conversationId,
    };
    if (outcome.result === "updated") {
      this.logger.info(context, "delivery status updated");
    } else {
      this.logger.info(
        context,
        outcome.result === "stale" ? "stale delivery status ignored" : "status for an unknown message",
      );
    }
    return outcome.result;
  }
}
