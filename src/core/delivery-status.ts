import type { MessageStatus } from "./model.js";

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
