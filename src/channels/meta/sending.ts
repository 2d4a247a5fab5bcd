import type { AcceptedPart, OutboundPart, OutboundRequest } from "../../core/ports/channel.js";
import { classifyGraphError, type MetaPlatform } from "./errors.js";
import type { GraphClient } from "./graph-client.js";

/**
 * The core decided the reply's window: inside the standard one it is a RESPONSE; in the human-agent one it
 * carries the HUMAN_AGENT tag (only agents' replies are ever sent, which is what the tag is for).
 */
function messagingType(request: OutboundRequest) {
  return request.replyWindow === "human_agent"
    ? { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }
    : { messaging_type: "RESPONSE" };
}

/** What differs between Meta channels' Send API calls: where they post, and how a part reads as a message. */
export interface MetaSend {
  readonly platform: MetaPlatform;
  /** The Send API path for the request: `<page-id>/messages`, or `me/messages` (the token's Page). */
  path(request: OutboundRequest): string;
  message(part: OutboundPart): unknown;
}

/** Sends each part as one Send API call, in order, recording each the moment Meta accepted it. */
export function createMetaSender(graph: GraphClient, how: MetaSend) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      let answer: unknown;
      try {
        answer = await graph.post(how.path(request), {
          recipient: { id: request.contactAddress },
          ...messagingType(request),
          message: how.message(part),
        });
      } catch (error) {
        throw classifyGraphError(error, how.platform);
      }
      const id = (answer as { message_id?: unknown } | null)?.message_id;
      // Graph answers every accepted send with its mid; without one the part still went out.
      await accepted({
        index: part.index,
        providerMessageId: typeof id === "string" ? id : `${request.messageId}:${part.index}`,
        status: "sent",
      });
    }
  };
}
