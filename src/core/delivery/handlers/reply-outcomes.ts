import {
  failedReaction,
  outcomeUnknownCode,
  replyStatus,
  unconfirmedReaction,
} from "../../delivery-status.js";
import { slackLane } from "../../lane-names.js";
import type { ChannelKind, ConversationContext, Message, SentPart } from "../../model.js";
import type { AcceptedPart, CustomerChannel, OutboundRequest } from "../../ports/channel.js";
import type { NewJob } from "../../ports/queue.js";
import { replyStatusWrite } from "../../reply-status.js";
import { mentionedUserIds, mrkdwnToPlainText } from "../../text.js";
import type { HandlerDependencies } from "./dependencies.js";

/** How a reply's attempt ends, written and told in its thread: sent, refused or failed, or unconfirmed. */
export function replyOutcomes({ store, slack, logger }: HandlerDependencies) {
  /** The reply as the customer reads it: Slack markup made plain, mentions by name. */
  async function plainText(message: Message): Promise<string> {
    const names = new Map<string, string>();
    for (const userId of mentionedUserIds(message.body)) {
      names.set(userId, await slack.userDisplayName(userId));
    }
    return mrkdwnToPlainText(message.body, names);
  }

  /**
   * After an attempt whose outcome is unknown: the parts the provider's log shows went out, each matched to at
   * most one logged message that is not already another reply's (or another part's).
   */
  async function foundInLog(
    channel: CustomerChannel,
    request: OutboundRequest,
    since: Date,
    recorded: readonly SentPart[],
  ): Promise<AcceptedPart[]> {
    if (!channel.findSent || request.parts.length === 0) return [];
    const candidates = await channel.findSent(request, since);
    const taken = new Set([
      ...recorded.map((part) => part.providerMessageId),
      ...(await store.partsOfOtherMessages(
        channel.kind,
        candidates.map((candidate) => candidate.providerMessageId),
        request.messageId,
      )),
    ]);
    const found: AcceptedPart[] = [];
    for (const part of request.parts) {
      const match = candidates.find(
        (candidate) => candidate.index === part.index && !taken.has(candidate.providerMessageId),
      );
      if (!match) continue;
      taken.add(match.providerMessageId);
      found.push(match);
    }
    return found;
  }

  /**
   * Every part is out: the reply takes the status its parts sum up to. Status callbacks that came while it was
   * being sent were recorded on the parts; a failure among them is shown now.
   */
  async function finish(
    kind: ChannelKind,
    message: Message,
    parts: readonly SentPart[],
    text: string,
  ): Promise<void> {
    const [first] = parts;
    if (!first) return;
    await store.recordReport(
      {
        kind,
        inboxAddress: "",
        contactAddress: "",
        providerMessageIds: [first.providerMessageId],
        upTo: null,
      },
      (messages, all) => {
        const current = messages.find((each) => each.id === message.id);
        const status = replyStatus(all.map((part) => part.status));
        if (current?.status !== "pending" || !status) return {};
        const failure = { errorCode: current.errorCode, reason: current.errorMessage };
        return replyStatusWrite(current, status, failure, {
          providerMessageId: first.providerMessageId,
          body: text,
        });
      },
    );
  }

  /**
   * The reply did not reach the customer: ❌ on it and the reason in the thread. `sendAgain` when nothing of it
   * may have gone out beyond its recorded parts: the line offers to send it again.
   */
  async function report(
    message: Message,
    context: ConversationContext,
    text: string,
    failure: { code: string; reason: string; status: "failed" | "not_sent"; sendAgain?: boolean },
  ): Promise<void> {
    const { code, reason, status } = failure;
    const lane = slackLane(context.conversation.id);
    const verdict = status === "failed" ? "Not delivered" : "Not sent";
    const notice: NewJob = {
      lane,
      kind: "slack.notice",
      payload: {
        conversationId: context.conversation.id,
        text: `⚠️ ${verdict} to the customer: ${reason}`,
        ...(failure.sendAgain ? { sendAgain: message.id } : {}),
      },
    };
    await store.write({
      messages: [[message.id, { status, errorCode: code, errorMessage: reason, body: text }]],
      jobs: [{ lane, kind: "slack.react", payload: { messageId: message.id, name: failedReaction } }, notice],
    });
    logger.warn(
      { conversationId: context.conversation.id, messageId: message.id, code, reason },
      "reply not delivered",
    );
  }

  /**
   * The provider's log could not be read for the whole patience: the reply may or may not have gone out. It is
   * not sent blindly (the customer might get it twice); the thread says so, and anyone there can send it again.
   */
  async function unconfirmed(
    message: Message,
    context: ConversationContext,
    label: string,
    text: string,
    why: string,
  ): Promise<void> {
    const lane = slackLane(context.conversation.id);
    await store.write({
      messages: [
        [message.id, { status: "not_sent", errorCode: outcomeUnknownCode, errorMessage: why, body: text }],
      ],
      jobs: [
        { lane, kind: "slack.react", payload: { messageId: message.id, name: unconfirmedReaction } },
        {
          lane,
          kind: "slack.notice",
          payload: {
            conversationId: context.conversation.id,
            text: `❓ The ${label} provider could not confirm whether this reply reached the customer, so it was not sent again (it may have gone out once). Check with the customer, or send it again.`,
            sendAgain: message.id,
          },
        },
      ],
    });
    logger.warn(
      { conversationId: context.conversation.id, messageId: message.id, reason: why },
      "could not confirm whether the reply went out; not sending it again until someone asks",
    );
  }

  return { plainText, foundInLog, finish, report, unconfirmed };
}

export type ReplyOutcomes = ReturnType<typeof replyOutcomes>;
