import type { AcceptedPart, OutboundPart, OutboundRequest, ReplyPart } from "../../core/ports/channel.js";
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

/** A message carries text or one attachment: the text's parts first, then one message per file. */
export function messengerReplyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
  const texts = text ? splitText(text, messengerTextLimit) : [];
  return [
    ...texts.map((part, index) => ({ index, text: part, media: [] })),
    ...media.map((file, offset) => ({ index: texts.length + offset, text: "", media: [file] })),
  ];
}

function messageOf(part: OutboundPart) {
  const [file] = part.media;
  if (!file) return { text: part.text };
  return {
    attachment: {
      type: attachmentType(file.contentType),
      payload: { url: file.publicUrl, is_reusable: false },
    },
  };
}

export function createMessengerSender(graph: GraphClient) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      let answer: unknown;
      try {
        answer = await graph.post(`${request.inboxAddress}/messages`, {
          recipient: { id: request.contactAddress },
          ...messagingType(request),
          message: messageOf(part),
        });
      } catch (error) {
        throw classifyGraphError(error);
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
