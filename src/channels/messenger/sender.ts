import type { OutboundRequest, OutboundResult } from "../../core/ports.js";
import { DeliveryError } from "../../errors.js";
import { splitText } from "../split-text.js";
import { classifyGraphError } from "./errors.js";
import type { GraphClient } from "./graph-client.js";

/** The Send API takes text "less than 2000 characters"; longer replies go out as consecutive messages. */
export const messengerTextLimit = 2000;

/**
 * The core decided the reply's window: inside the standard one it is a RESPONSE; in the human-agent one it
 * carries the HUMAN_AGENT tag (only agents' replies are ever sent, which is what the tag is for).
 */
function messagingType(request: OutboundRequest) {
  return request.replyWindow === "human_agent"
    ? { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }
    : { messaging_type: "RESPONSE" };
}

/** Messenger shows images, videos and audio inline; anything else is sent as a file to download. */
function attachmentType(contentType: string): "image" | "video" | "audio" | "file" {
  const type = contentType.split("/")[0];
  return type === "image" || type === "video" || type === "audio" ? type : "file";
}

export function createMessengerSender(graph: GraphClient) {
  return async function send(request: OutboundRequest): Promise<OutboundResult> {
    const messages = [
      ...(request.text ? splitText(request.text, messengerTextLimit).map((text) => ({ text })) : []),
      ...request.media.map((file) => ({
        attachment: {
          type: attachmentType(file.contentType),
          payload: { url: file.publicUrl, is_reusable: false },
        },
      })),
    ];
    if (messages.length === 0) {
      throw new DeliveryError("EMPTY_MESSAGE", "the reply has nothing Messenger can send", {
        transient: false,
      });
    }
    const ids: string[] = [];
    for (const message of messages) {
      let answer: unknown;
      try {
        answer = await graph.post(`${request.inboxAddress}/messages`, {
          recipient: { id: request.contactAddress },
          ...messagingType(request),
          message,
        });
      } catch (error) {
        throw classifyGraphError(error);
      }
      const id = (answer as { message_id?: unknown } | null)?.message_id;
      if (typeof id === "string") ids.push(id);
    }
    return { providerMessageIds: ids, status: "sent" };
  };
}
