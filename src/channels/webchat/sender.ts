import type { AcceptedPart, OutboundRequest, ReplyPart } from "../../core/ports/channel.js";
import type { LiveVisitors } from "./live.js";

/** What a visitor may write, and what one reply part carries to them. */
export const webchatTextLimit = 2000;

/** One part per reply: the panel shows any length, and the core keeps the reply's order. */
export function webchatReplyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
  return [{ index: 0, text, media: [...media] }];
}

/**
 * "Sending" to a visitor is storing the reply as delivered (the panel reads it from the database, now or when
 * the visitor comes back) and waking their open streams. The reply went through the outbox like any other,
 * so it is durable and in order; it is delivered once it is recorded, whether or not the visitor is watching.
 */
export function createWebchatSender(live: LiveVisitors) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      await accepted({
        index: part.index,
        providerMessageId: `webchat:${request.messageId}:${part.index}`,
        status: "delivered",
      });
    }
    live.changed(request.inboxAddress, request.contactAddress);
  };
}
