import type { MessageStatus } from "../model.js";

const progression: readonly MessageStatus[] = ["queued", "sent", "delivered", "read"];

/**
 * Provider reports arrive late, twice and out of order (a read before its delivery), so a report only ever
 * moves a message forward along queued → sent → delivered → read. Messages not yet handed to the provider
 * or already failed are left alone: a watermark may cover a reply still waiting in the queue.
 */
export function advancesStatus(current: MessageStatus, reported: MessageStatus): boolean {
  const from = progression.indexOf(current);
  return from !== -1 && progression.indexOf(reported) > from;
}
