import type { OutboundPart, ReplyPart } from "../../core/ports/channel.js";
import type { GraphClient } from "../meta/graph-client.js";
import { createMetaSender } from "../meta/sending.js";
import { splitText } from "../split-text.js";

/** The Send API takes text "less than 2000 characters"; longer replies go out as consecutive messages. */
export const messengerTextLimit = 2000;

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

/** Messenger posts to the Page's own messages edge: the inbox address is the Page id. */
export const createMessengerSender = (graph: GraphClient) =>
  createMetaSender(graph, {
    platform: "Messenger",
    path: (request) => `${request.inboxAddress}/messages`,
    message: messageOf,
  });
