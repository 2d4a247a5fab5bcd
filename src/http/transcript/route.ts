import type { FastifyInstance, FastifyReply } from "fastify";
import type { Logger } from "../../logger.js";
import { attachmentUrl } from "./attachments.js";
import { renderNotice, renderTranscript } from "./render.js";
import type { TranscriptSigner } from "./signing.js";
import type { TranscriptView } from "./view.js";

export const transcriptPath = "/conversations/:id";

/**
 * The page shows pictures only through Threadline's own attachment route; nothing else loads and no script
 * runs, even if an escaping bug let markup through. The link itself is the credential, so it must not leak in
 * a Referer nor sit in a shared cache.
 */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-robots-tag": "noindex",
  "cache-control": "private, no-store",
};

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).headers(securityHeaders).type("text/html; charset=utf-8").send(body);
}

export function registerTranscript(
  server: FastifyInstance,
  deps: {
    readonly signer: TranscriptSigner;
    readonly load: (conversationId: number) => Promise<TranscriptView | null>;
    readonly logger: Logger;
  },
): void {
  const log = deps.logger.child({ component: "transcript" });

  server.get<{ Params: { id: string }; Querystring: { sig?: unknown } }>(
    transcriptPath,
    async (request, reply) => {
      const { id } = request.params;
      const check = deps.signer.check(id, request.query.sig);
      if (check !== "valid") {
        // The id is only logged as far as it could be one; the signature is never logged.
        log.warn(
          { conversationId: /^\d{1,12}$/.test(id) ? Number(id) : null, reason: check, ip: request.ip },
          "transcript link refused",
        );
        return html(
          reply,
          403,
          renderNotice(
            "Link not valid",
            "This link is not valid (links last 15 minutes). Click View all messages in Slack for a fresh one.",
          ),
        );
      }
      const conversationId = Number(id);
      const view = Number.isSafeInteger(conversationId) ? await deps.load(conversationId) : null;
      if (!view) {
        log.warn({ conversationId }, "transcript of an unknown conversation");
        return html(reply, 404, renderNotice("Not found", "This conversation does not exist (any more)."));
      }
      log.info({ conversationId, messages: view.messages.length }, "transcript viewed");
      const sig = String(request.query.sig);
      return html(
        reply,
        200,
        renderTranscript(view, (file) => attachmentUrl(conversationId, file.messageId, file.index, sig)),
      );
    },
  );
}
