import { type ContactTagging, parseTagReply, tagList } from "./campaigns/tags.js";
import { deliveredReaction, replyStatus, statusAdvances } from "./delivery-status.js";
import { messageChanged, type SlackMessageChange } from "./edits.js";
import { businessTimeBetween } from "./hours/business-time.js";
import { serviceOnInbound, teamHours } from "./hours/team-service.js";
import { leftThreadReason } from "./inbox-policy.js";
import { customerLane, nudgeLane, slackLane } from "./lane-names.js";
import type {
  AgentReply,
  ChannelKind,
  Conversation,
  ConversationContext,
  DeliveryReport,
  InboundMessage,
  Message,
  MessageStatus,
  SentPart,
} from "./model.js";
import { scoreLine, scoreOf, surveyWindowMs } from "./operations/satisfaction.js";
import { type OptInChange, optInChange } from "./policies/channel-rules.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { NewJob } from "./ports/queue.js";
import type { OpenSurvey, Satisfaction } from "./ports/satisfaction.js";
import type {
  ConversationStore,
  InboundEffects,
  InboundOutcome,
  InboundState,
  Write,
} from "./ports/store.js";
import { replyStatusWrite } from "./reply-status.js";
import { quoted, type SavedReplies } from "./saved-replies.js";
import type { ScheduledSends } from "./scheduled-sends.js";
import { parseLaterReply } from "./scheduled-time.js";
import { savedReplyRequest } from "./snippet-text.js";
import { isInternalNote } from "./text.js";

export type { InboundOutcome };

/** What a thread reply may ask for besides being sent as typed; each is optional (tests of the core leave them out). */
export interface ReplyKinds {
  /** `;name`: a saved reply of the channel. */
  readonly savedReplies?: SavedReplies;
  /** `later <when>: …`: sent at that time. */
  readonly scheduled?: ScheduledSends;
  /** `tag:` and `untag:`: the contact's tags, never sent. */
  readonly tagging?: ContactTagging;
}

/** A provider's report on a message we sent (a status callback, a delivery or read event). */
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

  constructor(
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    /** The clock business hours and waits are measured with. */
    private readonly now: () => number = Date.now,
    /** What a thread reply may ask for besides being sent as typed. */
    private readonly replyKinds: ReplyKinds = {},
    /** Satisfaction questions waiting for an answer; without it, every message is an ordinary one. */
    private readonly satisfaction: Satisfaction | null = null,
  ) {}

  /** Called once a customer's new message is committed (automatic assignment looks at its conversation). */
  onCustomerWrote(listener: (conversationId: number) => void): void {
    this.customerWroteListeners.push(listener);
  }

  async receive(inbound: InboundMessage): Promise<InboundOutcome> {
    const answer = await this.surveyAnswer(inbound);
    const outcome = await this.store.recordInbound(inbound, (state) =>
      this.inboundEffects(inbound, state, answer?.survey.conversationId === state.conversation.id),
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
      await this.store.recordReport(report, (messages) => {
        const moving = messages.filter(
          (message) => acceptedStatuses.has(message.status) && statusAdvances(message.status, report.status),
        );
        return {
          messages: moving.map((message) => [message.id, { status: report.status }] as const),
          jobs:
            report.status === "delivered"
              ? moving.map((message) => ({
                  lane: slackLane(message.conversationId),
                  kind: "slack.react" as const,
                  payload: { messageId: message.id, name: deliveredReaction },
                }))
              : [],
        };
      })
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
    const tagging = this.replyKinds.tagging;
    const tagRequest = tagging ? parseTagReply(reply.text) : null;
    if (tagRequest && tagging) {
      if ("problem" in tagRequest)
        return { result: "refused", reason: `Nothing was tagged: ${tagRequest.problem}` };
      const tags = await tagging.fromThread(context, tagRequest, reply.userId);
      return { result: "tagged", confirmation: `Not sent to the customer. Their tags: ${tagList(tags)}.` };
    }
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

    const later = this.replyKinds.scheduled ? parseLaterReply(reply.text) : null;
    if (later && this.replyKinds.scheduled) {
      // `later 9am: ;hours` schedules the saved reply, filled in now.
      const saved = await this.savedReply({ ...reply, text: later.body }, context);
      if (saved && "refused" in saved) return { result: "refused", reason: saved.refused };
      const scheduled = await this.replyKinds.scheduled.schedule(
        reply,
        context,
        saved ? { when: later.when, body: saved.text, savedReply: true } : later,
      );
      if (scheduled.result === "refused") return scheduled;
      return { result: scheduled.result === "duplicate" ? "duplicate" : "scheduled" };
    }
    const saved = await this.savedReply(reply, context);
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

  /** A `;name` reply as the text it sends and the line that shows it in the thread; null for any other reply. */
  private async savedReply(
    reply: AgentReply,
    context: ConversationContext,
  ): Promise<{ text: string; shown: string } | { refused: string } | null> {
    const request = this.replyKinds.savedReplies ? savedReplyRequest(reply.text) : null;
    if (!request || !this.replyKinds.savedReplies) return null;
    const expanded = await this.replyKinds.savedReplies.expand(request, {
      channelId: reply.channelId,
      userId: reply.userId,
      contact: context.contact,
    });
    if ("refused" in expanded) return expanded;
    this.logger.info(
      { conversationId: context.conversation.id, user: reply.userId, name: request.name },
      "saved reply used",
    );
    return {
      text: expanded.text,
      shown: `📝 Saved reply \`;${request.name}\` sent as:\n${quoted(expanded.text)}`,
    };
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
        const write = this.partStatusEffects(found, parts, report);
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

  /**
   * The provider's own reading of the message wins when it gives one (it knows the inbox's custom keywords;
   * HELP changes nothing); otherwise the channel's words and plain-language requests decide.
   */
  private optInChange(inbound: InboundMessage): OptInChange | null {
    if (inbound.keyword === "help") return null;
    if (inbound.keyword) return { change: inbound.keyword, confirmation: null };
    return optInChange(this.channels[inbound.kind].capabilities, inbound.text);
  }

  /** What a customer's message changes besides itself: reopening, the reply window, opt-out, and the jobs. */
  private inboundEffects(
    inbound: InboundMessage,
    state: InboundState,
    /** The customer's answer to the satisfaction question: it neither reopens nor starts a wait. */
    surveyAnswer = false,
  ): InboundEffects {
    const { contact, conversation, created } = state;
    const reopened = conversation.status === "closed" && !surveyAnswer;
    // A provider may redeliver an old message after newer ones: the reply window counts from the latest.
    const latest = conversation.lastInboundAt;
    const channel = this.channels[inbound.kind];
    const optIn = this.optInChange(inbound);
    // Per conversation (inbox × contact): providers block a customer per sending number.
    const optInChanged = optIn !== null && (optIn.change === "opt_out") !== conversation.optedOut;
    const optedOut = optInChanged ? optIn.change === "opt_out" : conversation.optedOut;
    const service = surveyAnswer
      ? { conversation: {}, awayReply: null, nudgeAt: null, unansweredSince: 0 }
      : serviceOnInbound(state.team, conversation, this.now(), !optedOut && channel.enabled);
    // The one text confirming an opt-out the provider did not see; an away reply never goes to an opted-out customer.
    const confirmation = optInChanged ? (optIn?.confirmation ?? null) : null;
    const autoReply = confirmation ?? service.awayReply;
    return {
      conversation: {
        lastInboundAt: latest && latest > inbound.receivedAt ? latest : inbound.receivedAt,
        ...(reopened ? { status: "open", closedBy: null, closedAt: null } : {}),
        ...(optInChanged ? { optedOut } : {}),
        ...service.conversation,
      },
      ...(autoReply === null ? {} : { autoReply }),
      jobs: ({ conversationId, messageId, autoReplyId }) => {
        const lane = slackLane(conversationId);
        const jobs: NewJob[] = [];
        // Ahead of the first post, so the thread starts with the customer's name when the lookup works.
        const given = inbound.contactName?.trim();
        if (given && given !== contact.displayName) {
          // The provider named the customer with the message: stored as given, the parent follows a change.
          const inline = created || !conversation.slackThreadTs;
          jobs.push({
            lane,
            kind: "contact.refreshProfile",
            payload: { conversationId, inline, name: given },
          });
        } else if (created && !contact.displayName && channel.lookupContact) {
          jobs.push({ lane, kind: "contact.refreshProfile", payload: { conversationId, inline: true } });
        }
        jobs.push(
          { lane, kind: "slack.postInbound", payload: { messageId, ...(reopened ? { reopened } : {}) } },
          ...inbound.attachments.map((_, index) => ({
            lane,
            kind: "slack.postMedia" as const,
            payload: { messageId, index },
          })),
        );
        if (reopened || optInChanged) {
          jobs.push({ lane, kind: "slack.updateParent", payload: { conversationId } });
        }
        if (optInChanged) {
          const [start = "START"] = channel.capabilities.optInWords;
          const reason = confirmation ? `, in their own words: “${inbound.text.trim()}”` : "";
          const text =
            optIn?.change === "opt_out"
              ? `🚫 The customer opted out${reason}. Replies in this thread will not be sent until they text ${start}.`
              : "✅ The customer opted back in. Replies are sent again.";
          jobs.push({ lane, kind: "slack.notice", payload: { conversationId, text } });
        }
        // Shown after the customer's message; sent on the customer lane, in order with agents' replies.
        if (autoReplyId !== null) {
          const optOut = confirmation !== null ? { optOutConfirmation: true as const } : {};
          jobs.push(
            { lane, kind: "slack.postAutoReply", payload: { messageId: autoReplyId, ...optOut } },
            {
              lane: customerLane(conversationId),
              kind: "customer.send",
              payload: { messageId: autoReplyId, ...optOut },
            },
          );
        }
        if (service.nudgeAt !== null) {
          jobs.push({
            lane: nudgeLane(conversationId, service.unansweredSince),
            kind: "slack.nudge",
            payload: { conversationId, since: service.unansweredSince },
            runAt: service.nudgeAt,
          });
        }
        return jobs;
      },
    };
  }

  /**
   * A provider's status for one part of a sent message, or null when it is stale. The message moves as its
   * parts sum up (replyStatus); while the reply is still being sent, only the part is recorded (and a failure's
   * reason): the send sums the parts up when it finishes.
   */
  private partStatusEffects(
    message: Message,
    parts: readonly SentPart[],
    report: ProviderStatus,
  ): Write | null {
    const part = parts.find((candidate) => candidate.providerMessageId === report.providerMessageId);
    const current = part?.status ?? message.status;
    if (!statusAdvances(current, report.status)) return null;
    const failure = { errorCode: report.errorCode ?? null, reason: report.reason ?? null };
    const partChange = part ? [[message.id, part.index, report.status] as const] : [];
    const failed = report.status === "failed" || report.status === "undelivered";
    if (message.status === "pending") {
      return {
        parts: partChange,
        messages: failed
          ? [[message.id, { errorCode: failure.errorCode, errorMessage: failure.reason }]]
          : [],
      };
    }
    const summed = part
      ? replyStatus(parts.map((each) => (each === part ? report.status : each.status)))
      : report.status;
    if (!summed || !statusAdvances(message.status, summed)) return { parts: partChange };
    const shown =
      failed && parts.length > 1 && part
        ? {
            ...failure,
            reason: `${failure.reason ?? "the provider reported a failure"} (part ${part.index + 1} of ${parts.length})`,
          }
        : failure;
    return { ...replyStatusWrite(message, summed, shown), parts: partChange };
  }
}
