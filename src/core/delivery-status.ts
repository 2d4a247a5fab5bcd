import type { Message, MessageStatus } from "./model.js";

/**
 * How far a message has got. Provider callbacks arrive out of order and more than once ("sent" after
 * "delivered" is normal), so a status only replaces one of lower rank. Failures rank with "delivered": a
 * message that was delivered can't fail afterwards, and a failure isn't overwritten by a late "sent".
 */
const rank: Record<MessageStatus, number> = {
  received: 0,
  pending: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  failed: 3,
  undelivered: 3,
  read: 4,
  not_sent: 5,
};

export function statusAdvances(current: MessageStatus, next: MessageStatus): boolean {
  return rank[next] > rank[current];
}

export const deliveredReaction = "white_check_mark";
export const failedReaction = "x";
/** On a reply whose provider could not confirm whether it went out. */
export const unconfirmedReaction = "grey_question";
/** The error code of such a reply: it waits, `not_sent`, until someone sends it again. */
export const outcomeUnknownCode = "OUTCOME_UNKNOWN";

/**
 * The error code of a reply whose send was given up (the provider kept failing until the attempts ran out) and
 * whose provider's log shows nothing more of it went out than its recorded parts: it may be sent again.
 */
export const gaveUpCode = "GAVE_UP";

/**
 * Whether **Send again** may queue the reply once more: only a reply that is not (or may not be) with the
 * customer and is not on its way, never one a provider accepted or reported on.
 */
export function waitsToBeSentAgain(message: Pick<Message, "status" | "errorCode">): boolean {
  return (
    (message.status === "not_sent" && message.errorCode === outcomeUnknownCode) ||
    (message.status === "failed" && message.errorCode === gaveUpCode)
  );
}

const failures: ReadonlySet<MessageStatus> = new Set(["failed", "undelivered"]);

/**
 * A reply sent in several parts is as far as its least advanced part, and failed when any part failed: the
 * customer has not read a message whose second half never arrived.
 */
export function replyStatus(parts: readonly MessageStatus[]): MessageStatus | null {
  const failed = parts.find((status) => failures.has(status));
  if (failed) return failed;
  return parts.reduce<MessageStatus | null>(
    (least, status) => (least === null || rank[status] < rank[least] ? status : least),
    null,
  );
}

export function isFailure(status: MessageStatus): boolean {
  return failures.has(status);
}
