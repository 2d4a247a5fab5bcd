import { gaveUpCode } from "../../delivery-status.js";
import { DeliveryError, errorMessage } from "../../errors.js";
import type { OutboundRequest } from "../../ports/channel.js";
import type { Job } from "../../ports/queue.js";
import { parseTemplateReply } from "../../templates.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ReplyOutcomes } from "./reply-outcomes.js";
import { plural, type ThreadAccess } from "./threads.js";

/** "3 hours", "12 minutes", "40 seconds": how long a send kept failing, in the words an agent reads. */
export function howLong(ms: number): string {
  if (ms < 1000) return "less than a second";
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return plural(seconds, "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return plural(minutes, "minute");
  return plural(Math.round(minutes / 60), "hour");
}

/**
 * A reply whose send was given up: the provider kept failing until the attempts ran out. Nothing is sent here.
 * When the last attempts may have reached the provider, its log is read once more: a reply found there is
 * recorded as sent, and one the log can't tell about gets ❓ (decision 0017). Otherwise nothing (more) of it
 * went out: ❌, how long the provider kept failing, and **Send again** in the thread.
 */
export function customerSendGaveUp(
  deps: HandlerDependencies,
  threads: ThreadAccess,
  outcomes: ReplyOutcomes,
) {
  const { store, channels, logger } = deps;
  const now = deps.now ?? Date.now;

  return async (job: Extract<Job, { kind: "customer.send" }>, error: unknown) => {
    const loaded = await threads.loadMessage(job.payload.messageId);
    if (loaded?.message.status !== "pending") return;
    const { message, context } = loaded;
    const channel = channels[context.inbox.kind];
    const text = await outcomes.plainText(message);
    const asked = parseTemplateReply(text, channel.capabilities.templates, channel.label);
    const template = asked && !("problem" in asked) ? asked : null;
    const wanted = template
      ? [{ index: 0, text: "", media: [] }]
      : channel.replyParts(text, message.attachments).map((part) => ({ ...part, media: [] }));
    const recorded = await store.sentParts(message.id);
    let remaining = wanted.filter((part) => !recorded.some((sent) => sent.index === part.index));
    // Anything but a clear refusal may have reached the provider (the job is uncertain once one did).
    const mayHaveGoneOut = job.uncertain || !(error instanceof DeliveryError) || error.outcomeUnknown;
    if (mayHaveGoneOut && remaining.length > 0) {
      // A template's send leaves no text to find it by in the log.
      if (!channel.findSent || template) {
        const why = `the ${channel.label} provider's log can't show whether the last attempt went out`;
        return outcomes.unconfirmed(message, context, channel.label, text, why);
      }
      const request: OutboundRequest = {
        inboxAddress: context.inbox.address,
        contactAddress: context.contact.address,
        parts: remaining,
        messageId: message.id,
        lastInboundAt: context.conversation.lastInboundAt,
        replyWindow: null,
        template: null,
      };
      let found: Awaited<ReturnType<ReplyOutcomes["foundInLog"]>>;
      try {
        found = await outcomes.foundInLog(channel, request, job.createdAt, recorded);
      } catch (lookupError) {
        return outcomes.unconfirmed(message, context, channel.label, text, errorMessage(lookupError));
      }
      for (const part of found) await store.recordSentPart(message.id, part);
      remaining = remaining.filter((part) => !found.some((sent) => sent.index === part.index));
      if (remaining.length === 0) {
        await outcomes.finish(context.inbox.kind, message, await store.sentParts(message.id), text);
        logger.info(
          { conversationId: context.conversation.id, messageId: message.id, foundInLog: found.length },
          "reply given up on was found in the provider's log: it went out",
        );
        return;
      }
    }
    const who =
      error instanceof DeliveryError ? `the ${channel.label} provider` : "sending on the Threadline server";
    const sent = wanted.length - remaining.length;
    const what =
      sent === 0 ? "it was not sent" : `${sent} of ${wanted.length} parts were sent, the rest was not`;
    const reason = `${who} kept failing for ${howLong(now() - job.createdAt.getTime())} (${plural(job.attempts, "attempt")}); ${what}.`;
    await outcomes.report(message, context, text, {
      code: gaveUpCode,
      reason,
      status: "failed",
      sendAgain: true,
    });
  };
}
