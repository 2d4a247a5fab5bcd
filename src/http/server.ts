import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "../logger.js";

/** Bodies over this are refused with 413 before they are read further (DESIGN rule 8). */
export const bodyLimitBytes = 1024 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    /** The exact bytes received, for signatures computed over the raw body (Meta's X-Hub-Signature-256). */
    rawBody?: Buffer;
  }
}

/**
 * The embedded webhook receiver. Fastify parses and bounds bodies; our parsers keep the raw bytes a
 * signature needs. Every error gets a JSON answer and a log line, never a crash.
 */
export function createHttpServer(logger: Logger): FastifyInstance {
  const server = Fastify({
    bodyLimit: bodyLimitBytes,
    trustProxy: true,
    logger: false,
    return503OnClosing: true,
  });
  const log = logger.child({ component: "http" });

  server.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "buffer" },
    (request, body, done) => {
      const bytes = body as Buffer;
      request.rawBody = bytes;
      done(null, Object.fromEntries(new URLSearchParams(bytes.toString("utf8"))));
    },
  );
  server.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = body as Buffer;
    request.rawBody = bytes;
    try {
      done(null, bytes.length === 0 ? {} : JSON.parse(bytes.toString("utf8")));
    } catch {
      done(Object.assign(new Error("body is not valid JSON"), { statusCode: 400 }), undefined);
    }
  });

  server.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    const context = { method: request.method, url: request.url.split("?")[0], status, code: error.code };
    if (status >= 500) log.error({ ...context, err: error }, "request failed");
    else log.warn({ ...context, reason: error.message }, "request refused");
    const message =
      status === 413
        ? `body larger than ${bodyLimitBytes} bytes`
        : status >= 500
          ? "internal error"
          : error.message;
    return reply.code(status).send({ error: message });
  });
  server.setNotFoundHandler((request, reply) => {
    log.info({ method: request.method, url: request.url.split("?")[0] }, "no such route");
    return reply.code(404).send({ error: "not found" });
  });
  return server;
}
