import type { OutboundPart, ReplyPart } from "../../core/ports/channel.js";
import type { GraphClient } from "../meta/graph-client.js";
import { createMetaSender } from "../meta/sending.js";
import { splitText } from "../split-text.js";

/** Instagram takes message text of "1000 bytes or less" in UTF-8; longer replies go out as consecutive messages. */
export const instagramTextBytes = 1000;

/**
 * Parts of at most 1000 characters, each split again (at a smaller limit) while its UTF-8 form is longer than
 * 1000 bytes: text in Latin script stays in 1000-character parts, text in other scripts or with emoji in
 * fewer. The same text always splits the same way.
 */
function splitBytes(text: string, limit = instagramTextBytes): string[] {
  return splitText(text, limit).flatMap((part) =>
    Buffer.byteLength(part, "utf8") <= instagramTextBytes ? [part] : splitBytes(part, Math.floor(limit / 2)),
  );
}

/** A message carries text or one attachment: the text's parts first, then one message per file. */
export function instagramReplyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
  const texts = text ? splitBytes(text) : [];
  return [
    ...texts.map((part, index) => ({ index, text: part, media: [] })),
    ...media.map((file, offset) => ({ index: texts.length + offset, text: "", media: [file] })),
  ];
}

/** The core lets only images, videos and audio through (capabilities), so the type is the MIME type's first half. */
function messageOf(part: OutboundPart) {
  const [file] = part.media;
  if (!file) return { text: part.text };
  return { attachment: { type: file.contentType.split("/")[0], payload: { url: file.publicUrl } } };
}

/**
 * The inbox address is the Instagram account, not a Page: the Send API is called on `me`, which the Page token
 * names (the Page the Instagram account is linked to), as Meta's Instagram messaging guide does.
 */
export const createInstagramSender = (graph: GraphClient) =>
  createMetaSender(graph, { platform: "Instagram", path: () => "me/messages", message: messageOf });
