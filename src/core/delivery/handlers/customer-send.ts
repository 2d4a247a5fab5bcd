import {
  failedReaction,
  outcomeUnknownCode,
  replyStatus,
  unconfirmedReaction,
} from "../../delivery-status.js";
import { DeliveryError } from "../../errors.js";
import { slackLane } from "../../lane-names.js";
import type { Attachment, ChannelKind, ConversationContext, Message, SentPart } from "../../model.js";
import { mediaRefusal as channelMediaRefusal, optedOutReason } from "../../policies/channel-rules.js";
import { type ReplyWindow, replyWindowDecision } from "../../policies/reply-window.js";
import type {
  AcceptedPart,
  CustomerChannel,
  OutboundMedia,
  OutboundPart,
  OutboundRequest,
  TemplateRequest,
} from "../../ports/channel.js";
import type { Job } from "../../ports/queue.js";
import { replyStatusWrite } from "../../reply-status.js";
import { parseTemplateReply } from "../../templates.js";
import { mentionedUserIds, mrkdwnToPlainText } from "../../text.js";
import type { EarlierAttempts } from "../earlier-attempts.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** An agent's reply to the customer, unless a rule forbids it; a refusal or failure is told in the thread. */
export function customerSend(deps: HandlerDependencies, threads: ThreadAccess, earlier: EarlierAttempts) {
  const { store, slack, channels, logger } = deps;
  const now = deps.now ?? Date.now;

  /** Why one of the files can't go to the customer, or null. */
  function mediaRefusal(message: Message, channel: CustomerChannel): string | null {
    for (const file of message.attachments) {
      const refusal = channelMediaRefusal(channel, {
        contentType: file.contentType ?? "",
        size: file.size ?? 0,
      });
      if (refusal) return `${refusal} (${file.name ?? "attachment"}). Remove it and reply again`;
    }
    return null;
  }

  /** Downloads the files an agent attached and keeps them behind expiring public links for the provider. */
  async function outboundMedia(
    files: readonly Attachment[],
    conversationId: number,
  ): Promise<OutboundMedia[]> {
    const media: OutboundMedia[] = [];
    for (const file of files) {
      const downloaded = await slack.downloadFile(file.url);
      // Kept (and later served) as the type refuseMedia checked, not whatever the download claimed.
      const content = { ...downloaded, contentType: file.contentType || downloaded.contentType };
      const token = await store.saveMedia(content, new Date(now() + deps.mediaTtlMs), conversationId);
      media.push({ ...content, filename: file.name ?? content.filename, publicUrl: deps.mediaUrl(token) });
    }
    return media;
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

  return async (job: Extract<Job, { kind: "customer.send" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    if (loaded?.message.status !== "pending") return;
    const { message, context } = loaded;
    const channel = channels[context.inbox.kind];
    const names = new Map<string, string>();
    for (const userId of mentionedUserIds(message.body)) {
      names.set(userId, await slack.userDisplayName(userId));
    }
    const text = mrkdwnToPlainText(message.body, names);
    const report = async (code: string, reason: string, status: "failed" | "not_sent") => {
      const lane = slackLane(context.conversation.id);
      const verdict = status === "failed" ? "Not delivered" : "Not sent";
      await store.write({
        messages: [[message.id, { status, errorCode: code, errorMessage: reason, body: text }]],
        jobs: [
          { lane, kind: "slack.react", payload: { messageId: message.id, name: failedReaction } },
          {
            lane,
            kind: "slack.notice",
            payload: {
              conversationId: context.conversation.id,
              text: `⚠️ ${verdict} to the customer: ${reason}`,
            },
          },
        ],
      });
      logger.warn(
        { conversationId: context.conversation.id, messageId: message.id, code, reason },
        "reply not delivered",
      );
    };
    if (!channel.enabled) {
      return report(
        "CHANNEL_DISABLED",
        `${channel.label} is not configured on the Threadline server.`,
        "not_sent",
      );
    }
    const { capabilities } = channel;
    if (context.conversation.optedOut) {
      return report("OPTED_OUT", optedOutReason(capabilities), "not_sent");
    }
    const asked = parseTemplateReply(text, capabilities.templates, channel.label);
    if (asked && "problem" in asked) return report("TEMPLATE_REFUSED", asked.problem, "not_sent");
    const template: TemplateRequest | null = asked;
    if (template && message.attachments.length > 0) {
      return report(
        "TEMPLATE_REFUSED",
        "a template carries no attached files. Send the files in a reply of their own once the customer answers.",
        "not_sent",
      );
    }
    let replyWindow: ReplyWindow | null = null;
    // An approved template is what may still be sent outside the window: no window applies to it.
    if (capabilities.replyWindow && !template) {
      const decision = replyWindowDecision(
        capabilities.replyWindow,
        context.conversation.lastInboundAt,
        new Date(now()),
        channel.label,
        capabilities.templates
          ? `Only an approved template can be sent now: reply \`template: ${capabilities.templates.idExample} [variables…]\` in this thread.`
          : undefined,
      );
      if (!decision.send) return report("OUTSIDE_REPLY_WINDOW", decision.reason, "not_sent");
      replyWindow = decision.window;
    }
    try {
      const refusal = mediaRefusal(message, channel);
      if (refusal) return report("MEDIA_REFUSED", refusal, "not_sent");
      if (!text && message.attachments.length === 0)
        return report("EMPTY", "the reply has no text or file to send.", "not_sent");
      // Parts an earlier attempt got accepted are recorded: only the rest goes out again.
      const recorded = await store.sentParts(message.id);
      const wanted = template
        ? [{ index: 0, text: "", media: [] }]
        : channel.replyParts(text, message.attachments);
      const remaining = wanted.filter((part) => !recorded.some((sent) => sent.index === part.index));
      const parts: OutboundPart[] = [];
      for (const part of remaining)
        parts.push({ ...part, media: await outboundMedia(part.media, context.conversation.id) });
      const request: OutboundRequest = {
        inboxAddress: context.inbox.address,
        contactAddress: context.contact.address,
        parts,
        messageId: message.id,
        lastInboundAt: context.conversation.lastInboundAt,
        replyWindow,
        template,
      };
      // The earlier attempt may have reached the provider (it was interrupted, or no answer came back).
      const looked = await earlier.look(job, "sent", () =>
        foundInLog(channel, request, job.createdAt, recorded),
      );
      if (looked && "unknown" in looked) {
        return unconfirmed(message, context, channel.label, text, looked.unknown);
      }
      const found = looked?.found ?? [];
      for (const part of found) await store.recordSentPart(message.id, part);
      const toSend = parts.filter((part) => !found.some((sent) => sent.index === part.index));
      if (toSend.length > 0) {
        await channel.send({ ...request, parts: toSend }, (part) => store.recordSentPart(message.id, part));
      }
      const sent = await store.sentParts(message.id);
      await finish(context.inbox.kind, message, sent, text);
      logger.info(
        {
          conversationId: context.conversation.id,
          messageId: message.id,
          providerMessageIds: sent.map((part) => part.providerMessageId),
          resent: toSend.length,
          foundInLog: found.length,
          files: message.attachments.length,
        },
        "reply sent to the customer",
      );
    } catch (error) {
      if (error instanceof DeliveryError && !error.transient)
        return report(error.code, error.reason, "failed");
      throw error;
    }
  };
}
