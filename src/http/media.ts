import type { FastifyInstance } from "fastify";
import type { ConversationStore } from "../core/ports/store.js";
import type { Logger } from "../logger.js";

export const mediaPath = (token: string) => `/media/${token}`;

const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * What the browser is told about a stored file. Only images, audio and video are shown inline, under the
 * type they were checked as; SVG is an image that can carry script, so it is downloaded like everything else.
 * A stored type that is not a plain `type/subtype` is served as bytes.
 */
export function servedAs(contentType: string): { type: string; disposition: "inline" | "attachment" } {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!mediaType.test(type)) return { type: "application/octet-stream", disposition: "attachment" };
  const inline = /^(image|audio|video)\//.test(type) && type !== "image/svg+xml";
  return { type, disposition: inline ? "inline" : "attachment" };
}

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
    const { type, disposition } = servedAs(media.contentType);
    return (
      reply
        .code(200)
        .header("content-type", type)
        .header("content-disposition", `${disposition}; filename*=UTF-8''${filename}`)
        // Opened in a browser, the file runs nothing and loads nothing, whatever it turns out to contain.
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, max-age=3600")
        .header("x-content-type-options", "nosniff")
        .send(Buffer.from(media.bytes))
    );
  });
}
