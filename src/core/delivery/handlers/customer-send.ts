import { DeliveryError } from "../../../errors.js";
import { failedReaction } from "../../delivery-status.js";
import { slackLane } from "../../lanes.js";
import type { ConversationContext, Message } from "../../model.js";
import { type ReplyWindow, replyWindowDecision } from "../../policies/reply-window.js";
import type { Job, OutboundMedia, OutboundRequest } from "../../ports.js";
import { mentionedUserIds, mrkdwnToPlainText } from "../../text.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** An agent's reply to the customer, unless a rule forbids it; a refusal or failure is told in the thread. */
export function customerSend(deps: HandlerDependencies, threads: ThreadAccess) {
  const { store, slack, channels, logger } = deps;
  const now = deps.now ?? Date.now;

  /** Downloads the files an agent attached and keeps them behind expiring public links for the provider. */
  async function outboundMedia(
    message: Message,
    context: ConversationContext,
  ): Promise<OutboundMedia[] | string> {
    const channel = channels[context.inbox.kind];
    const media: OutboundMedia[] = [];
    for (const file of message.attachments) {
      const refusal = channel.refuseMedia({ contentType: file.contentType ?? "", size: file.size ?? 0 });
      if (refusal) return `${refusal} (${file.name ?? "attachment"}). Remove it and reply again`;
      const downloaded = await slack.downloadFile(file.url);
      // Kept (and later served) as the type refuseMedia checked, not whatever the download claimed.
      const content = { ...downloaded, contentType: file.contentType || downloaded.contentType };
      const token = await store.saveMedia(content, new Date(now() + deps.mediaTtlMs));
      media.push({ ...content, filename: file.name ?? content.filename, publicUrl: deps.mediaUrl(token) });
    }
    return media;
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
    if (context.contact.optedOut) {
      return report(
        "OPTED_OUT",
        "the customer has opted out (texted STOP). They need to text START before they can receive messages.",
        "not_sent",
      );
    }
    let replyWindow: ReplyWindow | null = null;
    if (channel.replyWindows) {
      const decision = replyWindowDecision(
        channel.replyWindows,
        context.conversation.lastInboundAt,
        new Date(now()),
        channel.label,
      );
      if (!decision.send) return report("OUTSIDE_REPLY_WINDOW", decision.reason, "not_sent");
      replyWindow = decision.window;
    }
    try {
      const media = await outboundMedia(message, context);
      if (typeof media === "string") return report("MEDIA_REFUSED", media, "not_sent");
      if (!text && media.length === 0)
        return report("EMPTY", "the reply has no text or file to send.", "not_sent");
      const request: OutboundRequest = {
        inboxAddress: context.inbox.address,
        contactAddress: context.contact.address,
        text,
        media,
        messageId: message.id,
        lastInboundAt: context.conversation.lastInboundAt,
        replyWindow,
      };
      // An earlier attempt may have reached the provider (it was interrupted, or no answer came back).
      const alreadySent =
        job.uncertain && channel.findSent ? await channel.findSent(request, job.createdAt) : [];
      const result =
        alreadySent.length > 0
          ? { providerMessageIds: alreadySent, status: "queued" as const }
          : await channel.send(request);
      await store.write({
        messages: [
          [
            message.id,
            { status: result.status, providerMessageId: result.providerMessageIds[0] ?? null, body: text },
          ],
        ],
      });
      logger.info(
        {
          conversationId: context.conversation.id,
          messageId: message.id,
          providerMessageIds: result.providerMessageIds,
          files: media.length,
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
