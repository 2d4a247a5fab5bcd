// What a provider's report on messages we sent changes: their status, the parts' status, and the ✅ reaction.
import { deliveredReaction, replyStatus, statusAdvances } from "./delivery-status.js";
import { slackLane } from "./lane-names.js";
import type { ChannelKind, DeliveryReport, Message, MessageStatus, SentPart } from "./model.js";
import type { Write } from "./ports/store.js";
import { replyStatusWrite } from "./reply-status.js";

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

/**
 * A report covering several messages at once (delivery and read watermarks): each accepted message it covers
 * moves forward, and delivered ones get ✅.
 */
export function watermarkEffects(report: DeliveryReport, messages: readonly Message[]): Write {
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
}

/**
 * A provider's status for one part of a sent message, or null when it is stale. The message moves as its
 * parts sum up (replyStatus); while the reply is still being sent, only the part is recorded (and a failure's
 * reason): the send sums the parts up when it finishes.
 */
export function partStatusEffects(
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
      messages: failed ? [[message.id, { errorCode: failure.errorCode, errorMessage: failure.reason }]] : [],
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
