import { DeliveryError } from "../../errors.js";
import type { Attachment, Message } from "../../model.js";
import { mediaRefusal as channelMediaRefusal, optedOutReason } from "../../policies/channel-rules.js";
import { type ReplyWindow, replyWindowDecision } from "../../policies/reply-window.js";
import type {
  CustomerChannel,
  OutboundMedia,
  OutboundPart,
  OutboundRequest,
  TemplateRequest,
} from "../../ports/channel.js";
import type { Job } from "../../ports/queue.js";
import { parseTemplateReply } from "../../templates.js";
import type { EarlierAttempts } from "../earlier-attempts.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ReplyOutcomes } from "./reply-outcomes.js";
import type { ThreadAccess } from "./threads.js";

/** An agent's reply to the customer, unless a rule forbids it; a refusal or failure is told in the thread. */
export function customerSend(
  deps: HandlerDependencies,
  threads: ThreadAccess,
  earlier: EarlierAttempts,
  outcomes: ReplyOutcomes,
) {
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

  return async (job: Extract<Job, { kind: "customer.send" }>) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    if (loaded?.message.status !== "pending") return;
    const { message, context } = loaded;
    const channel = channels[context.inbox.kind];
    const text = await outcomes.plainText(message);
    const report = (code: string, reason: string, status: "failed" | "not_sent") =>
      outcomes.report(message, context, text, { code, reason, status });
    if (!channel.enabled) {
      return report(
        "CHANNEL_DISABLED",
        `${channel.label} is not configured on the Threadline server.`,
        "not_sent",
      );
    }
    const { capabilities } = channel;
    // The confirmation of an opt-out is the one message an opted-out customer still gets.
    if (context.conversation.optedOut && !job.payload.optOutConfirmation) {
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
        outcomes.foundInLog(channel, request, job.createdAt, recorded),
      );
      if (looked && "unknown" in looked) {
        return outcomes.unconfirmed(message, context, channel.label, text, looked.unknown);
      }
      const found = looked?.found ?? [];
      for (const part of found) await store.recordSentPart(message.id, part);
      const toSend = parts.filter((part) => !found.some((sent) => sent.index === part.index));
      if (toSend.length > 0) {
        await channel.send({ ...request, parts: toSend }, (part) => store.recordSentPart(message.id, part));
      }
      const sent = await store.sentParts(message.id);
      await outcomes.finish(context.inbox.kind, message, sent, text);
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
