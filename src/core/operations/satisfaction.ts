import type { InboxPolicy } from "../inbox-policy.js";
import { customerLane, slackLane } from "../lane-names.js";
import type { ChannelMembership } from "../membership.js";
import type { InboundMessage } from "../model.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { CoreLogger } from "../ports/logger.js";
import type { Satisfaction } from "../ports/satisfaction.js";
import type { ConversationStore } from "../ports/store.js";

export const defaultQuestion = "How did we do? Reply 1 (bad) to 5 (great)";
/** How long an answer counts, and how often one conversation may be asked. */
export const surveyWindowMs = 24 * 60 * 60 * 1000;
/** Short enough to stay one text message with the customer's STOP footer carriers may add. */
export const maxQuestionLength = 300;

const scoreText = /^\s*([1-5])\s*[.!]?\s*$/;

/** The score a customer's message gives, when it is one digit from 1 to 5 and nothing else. */
export function scoreOf(message: Pick<InboundMessage, "text" | "attachments">): number | null {
  const digit = message.attachments.length === 0 ? scoreText.exec(message.text)?.[1] : undefined;
  return digit ? Number(digit) : null;
}

export const scoreLine = (score: number) => `⭐ ${score}/5 — the customer's satisfaction answer`;

/**
 * Sends the channel's satisfaction question when a conversation is closed: through the outbox like a reply, never
 * to an opted-out customer, outside the channel's reply window, or twice for one conversation within a day.
 */
export class SatisfactionSurveys {
  constructor(
    private readonly satisfaction: Satisfaction,
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
  ) {}

  /** Returns the question's message id, or null when none was sent (and the log says why). */
  async conversationClosed(conversationId: number): Promise<number | null> {
    const context = await this.store.conversationContext(conversationId);
    const channelId = context?.inbox.slackChannelId;
    if (!context || !channelId || context.conversation.status !== "closed") return null;
    const setting = await this.satisfaction.setting(channelId);
    if (!setting) return null;
    const skip = (reason: string) => {
      this.logger.info({ conversationId, reason }, "satisfaction question not sent");
      return null;
    };
    const channel = this.channels[context.inbox.kind];
    if (!channel.enabled) return skip("the channel is not configured on this server");
    if (context.conversation.optedOut) return skip("the customer opted out");
    const now = this.now();
    const window = channel.capabilities.replyWindow;
    const last = context.conversation.lastInboundAt?.getTime();
    // An automatic message may only use the channel's standard window (not one kept for a human agent).
    if (window && (last === undefined || now - last > window.standardMs)) {
      return skip("outside the channel's reply window");
    }
    const text = setting.question ?? defaultQuestion;
    const messageId = await this.satisfaction.recordSurvey({
      conversationId,
      slackChannelId: channelId,
      provider: context.inbox.kind,
      text,
      now: new Date(now),
      notAskedSince: new Date(now - surveyWindowMs),
    });
    if (messageId === null) return skip("already asked within a day");
    await this.store.write({
      jobs: [
        {
          lane: slackLane(conversationId),
          kind: "slack.notice",
          payload: { conversationId, text: `📋 Satisfaction question sent to the customer:\n> ${text}` },
        },
        { lane: customerLane(conversationId), kind: "customer.send", payload: { messageId } },
      ],
    });
    this.logger.info({ conversationId, messageId }, "satisfaction question sent");
    return messageId;
  }
}

/** `/threadline csat` (shows it), `csat on`, `csat off`, `csat <question>`. */
export class SatisfactionCommands {
  constructor(
    private readonly satisfaction: Satisfaction,
    private readonly store: ConversationStore,
    private readonly policy: InboxPolicy,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
  ) {}

  async run(rest: string, context: { channelId: string; userId: string }): Promise<string> {
    const text = rest.trim();
    if (!text) return this.describe(context.channelId);
    const doing = "change the satisfaction question";
    const refused =
      this.policy.refusal(context.userId, doing) ??
      (await this.membership.refusal(context.userId, context.channelId, doing));
    if (refused) {
      this.logger.warn({ ...context, text }, "satisfaction setting change refused");
      return refused;
    }
    if (text.length > maxQuestionLength) {
      return `That question is ${text.length} characters; keep it under ${maxQuestionLength}. For example: \`/threadline csat ${defaultQuestion}\`.`;
    }
    const word = text.toLowerCase();
    if (word !== "off" && (await this.store.inboxesForChannel(context.channelId)).length === 0) {
      return "Nothing is connected to this channel, so there is nobody to ask. Connect an inbox here first (`/threadline help` shows how).";
    }
    if (word === "off") await this.satisfaction.setSetting(context.channelId, null, context.userId);
    else {
      const current = await this.satisfaction.setting(context.channelId);
      const question = word === "on" ? (current?.question ?? null) : text;
      await this.satisfaction.setSetting(context.channelId, { question }, context.userId);
    }
    this.logger.info({ ...context, text }, "satisfaction setting changed");
    return `Saved. ${await this.describe(context.channelId)}`;
  }

  private async describe(channelId: string): Promise<string> {
    const setting = await this.satisfaction.setting(channelId);
    if (!setting) {
      return "*Customer satisfaction:* off. `/threadline csat on` asks each customer once when their conversation is closed (`csat <question>` changes the question).";
    }
    return `*Customer satisfaction:* on — when a conversation is closed, the customer is asked:\n> ${setting.question ?? defaultQuestion}\nA reply from 1 to 5 within 24 hours is recorded and shown in the thread (⭐ 4/5) without reopening it; anything else reopens it. Not sent to customers who opted out, outside the channel's reply window, or twice within a day. \`/threadline csat off\` stops it.`;
  }
}
