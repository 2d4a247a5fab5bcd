import type { FastifyInstance } from "fastify";
import type { MediaContent } from "../../core/model.js";
import type { ChannelRegistry } from "../../core/ports/channel.js";
import type { SlackPort } from "../../core/ports/slack.js";
import type { Logger } from "../../logger.js";
import { servedAs } from "../media.js";
import type { TranscriptSigner } from "./signing.js";
import type { TranscriptSources } from "./view.js";

export const attachmentPath = "/conversations/:id/attachments/:messageId/:index";

/**
 * Where the transcript page shows a message's file: through Threadline, under the page's own signature, so the
 * browser needs no provider credentials (a customer's MMS is on Twilio's authenticated API, an agent's file on
 * Slack's) and the file is reachable exactly as long as the page is.
 */
export function attachmentUrl(conversationId: number, messageId: number, index: number, sig: string): string {
  return `/conversations/${conversationId}/attachments/${messageId}/${index}?sig=${encodeURIComponent(sig)}`;
}

/**
 * The bytes of one attachment of one message of the conversation, fetched from where they are kept: the
 * provider (with its credentials, through the channel's own allow-listed fetcher) for what the customer sent,
 * Slack (with the bot token) for what an agent attached. Null when the conversation has no such attachment.
 */
export async function loadAttachment(
  conversationId: number,
  messageId: number,
  index: number,
  deps: {
    readonly store: TranscriptSources;
    readonly slack: Pick<SlackPort, "downloadFile">;
    readonly channels: ChannelRegistry;
  },
): Promise<MediaContent | null> {
  const context = await deps.store.conversationContext(conversationId);
  if (!context) return null;
  const message = (await deps.store.conversationMessages(conversationId)).find((m) => m.id === messageId);
  const attachment = message?.attachments[index];
  if (!message || !attachment) return null;
  return message.direction === "in"
    ? deps.channels[context.inbox.kind].fetchMedia(attachment)
    : deps.slack.downloadFile(attachment.url);
}

/** Opened on its own, the file runs nothing and loads nothing; it is as private as the page that links it. */
const fileHeaders = {
  "content-security-policy": "default-src 'none'; sandbox",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-robots-tag": "noindex",
  "cache-control": "private, max-age=900",
};

export function registerTranscriptAttachments(
  server: FastifyInstance,
  deps: {
    readonly signer: TranscriptSigner;
    readonly load: (conversationId: number, messageId: number, index: number) => Promise<MediaContent | null>;
    readonly logger: Logger;
  },
): void {
  const log = deps.logger.child({ component: "transcript" });
  server.get<{ Params: { id: string; messageId: string; index: string }; Querystring: { sig?: unknown } }>(
    attachmentPath,
    async (request, reply) => {
      const { id, messageId, index } = request.params;
      const check = deps.signer.check(id, request.query.sig);
      const numbers = [id, messageId, index].every((part) => /^\d{1,12}$/.test(part));
      if (check !== "valid" || !numbers) {
        log.warn(
          { conversationId: /^\d{1,12}$/.test(id) ? Number(id) : null, reason: check, ip: request.ip },
          "transcript attachment link refused",
        );
        return reply.code(403).headers(fileHeaders).type("text/plain; charset=utf-8").send("link not valid");
      }
      const where = { conversationId: Number(id), messageId: Number(messageId), index: Number(index) };
      let file: MediaContent | null;
      try {
        file = await deps.load(where.conversationId, where.messageId, where.index);
      } catch (error) {
        log.warn(
          { ...where, err: error },
          "transcript attachment could not be fetched from where it is kept",
        );
        return reply
          .code(502)
          .headers(fileHeaders)
          .type("text/plain; charset=utf-8")
          .send("This file could not be fetched just now; try again in a moment.");
      }
      if (!file) {
        log.warn(where, "transcript attachment not found");
        return reply.code(404).headers(fileHeaders).type("text/plain; charset=utf-8").send("not found");
      }
      const { type, disposition } = servedAs(file.contentType);
      return reply
        .code(200)
        .headers(fileHeaders)
        .header("content-type", type)
        .header(
          "content-disposition",
          `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .send(Buffer.from(file.bytes));
    },
  );
}
