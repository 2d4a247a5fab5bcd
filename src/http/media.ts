import type { FastifyInstance } from "fastify";
import type { ConversationStore } from "../core/ports.js";
import type { Logger } from "../logger.js";

export const mediaPath = (token: string) => `/media/${token}`;

/**
 * Files agents attached, for providers that fetch media from a URL (Twilio MMS). The token is the only
 * credential: 192 random bits, valid for a day. Unknown and expired tokens look the same: 404.
 */
export function registerMedia(
  server: FastifyInstance,
  store: Pick<ConversationStore, "media">,
  logger: Logger,
): void {
  server.get<{ Params: { token: string } }>("/media/:token", async (request, reply) => {
    const media = /^[A-Za-z0-9_-]{16,64}$/.test(request.params.token)
      ? await store.media(request.params.token, new Date())
      : null;
    if (!media) {
      logger.info({ component: "http", ip: request.ip }, "media link unknown or expired");
      return reply.code(404).send({ error: "not found" });
    }
    const filename = encodeURIComponent(media.filename);
    return reply
      .code(200)
      .header("content-type", media.contentType)
      .header("content-disposition", `inline; filename*=UTF-8''${filename}`)
      .header("cache-control", "private, max-age=3600")
      .header("x-content-type-options", "nosniff")
      .send(Buffer.from(media.bytes));
  });
}
