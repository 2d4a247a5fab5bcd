import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../logger.js";

/**
 * Every request of the chat's API must come from a page of an allowed site: the `Origin` a browser sends must
 * be one of WEBCHAT_ORIGINS, exactly. The answer then allows that origin (and only it) to read the response;
 * anything else is refused before the route runs. A request without an Origin (not from a browser's page) is
 * refused too: the API exists for the widget alone.
 */
export function checkOrigin(allowed: readonly string[], log: Logger) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !allowed.includes(origin)) {
      log.warn(
        { origin: origin ?? null, url: request.url.split("?")[0], ip: request.ip },
        "web chat request refused: origin not allowed",
      );
      return reply
        .code(403)
        .header("vary", "Origin")
        .send({ error: "this site is not allowed to use this chat (WEBCHAT_ORIGINS)" });
    }
    reply
      .header("access-control-allow-origin", origin)
      .header("vary", "Origin")
      // Visitors are told apart by their token, never by cookies.
      .header("access-control-allow-credentials", "false");
    if (request.method === "OPTIONS") {
      return reply
        .code(204)
        .header("access-control-allow-methods", "GET, POST")
        .header("access-control-allow-headers", "authorization, content-type")
        .header("access-control-max-age", "600")
        .send();
    }
    return undefined;
  };
}
