import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "../logger.js";
import type { TrustProxy } from "../net/trust-proxy.js";
import type { CommittedAnswer } from "./committed.js";

/** Bodies over this are refused with 413 before they are read further (DESIGN rule 8). */
export const bodyLimitBytes = 1024 * 1024;

/**
 * How long a client may take, so a slow or stalled one (a slow-body attack) cannot hold a connection open.
 * Webhook bodies are at most 1 MB and Twilio/Meta send them at once; nothing legitimate comes near these.
 */
export interface HttpTimeouts {
  /** From the first byte to the last of the request's headers. */
  readonly headersTimeoutMs: number;
  /** From the first byte to the last of the whole request, body included. */
  readonly requestTimeoutMs: number;
  /** A socket with no traffic at all for this long is closed. */
  readonly connectionTimeoutMs: number;
  /** An idle keep-alive connection is kept this long: longer than the usual 60 s of proxies in front. */
  readonly keepAliveTimeoutMs: number;
  /** How often Node looks for requests past their timeouts (it checks on an interval, not per request). */
  readonly timeoutCheckIntervalMs: number;
}

export const defaultHttpTimeouts: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 75_000,
  keepAliveTimeoutMs: 65_000,
  timeoutCheckIntervalMs: 1_000,
};

declare module "fastify" {
  interface FastifyRequest {
    /** The exact bytes received, for signatures computed over the raw body (Meta's X-Hub-Signature-256). */
    rawBody?: Buffer;
  }
}

/**
 * request.ip (in the logs) comes from X-Forwarded-For only when a proxy we were told of wrote it. Fastify ignores
 * a bare hop count (it cannot tell who the nearest peer is), so a count is the function it stands for: the
 * nearest N addresses are proxies.
 */
function fastifyTrustProxy(trustProxy: TrustProxy) {
  if (typeof trustProxy === "number") return (_address: string, hop: number) => hop < trustProxy;
  return trustProxy === false ? false : [...trustProxy];
}

/**
 * The embedded webhook receiver. Fastify parses and bounds bodies; our parsers keep the raw bytes a
 * signature needs. Every error gets a JSON answer and a log line, never a crash.
 */
export function createHttpServer(
  logger: Logger,
  timeouts: HttpTimeouts = defaultHttpTimeouts,
  trustProxy: TrustProxy = false,
): FastifyInstance {
  const server = Fastify({
    bodyLimit: bodyLimitBytes,
    trustProxy: fastifyTrustProxy(trustProxy),
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    connectionTimeout: timeouts.connectionTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.timeoutCheckIntervalMs,
    },
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
    const committed: CommittedAnswer | undefined = request.committedAnswer;
    if (status >= 500 && committed) {
      // The provider's message is kept: a 5xx would make Twilio drop it or Meta send it again for nothing.
      log.error(
        { method: request.method, url: request.url.split("?")[0], err: error },
        "request failed after its message was committed: answered as received",
      );
      return reply.code(200).type(committed.contentType).send(committed.body);
    }
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

/**
 * Stops taking connections and waits for the requests in flight, but not forever: a client that stalls in the
 * middle of a request would hold the shutdown until its request timeout. After `graceMs` every connection
 * still open is cut.
 */
export async function closeWithDeadline(
  server: FastifyInstance,
  graceMs: number,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), graceMs);
  });
  const closing = server.close();
  const first = await Promise.race([closing.then(() => "closed" as const), deadline]);
  clearTimeout(timer);
  if (first === "deadline") {
    logger.warn(
      { component: "http", graceMs },
      "connections still open at the shutdown deadline: closing them",
    );
    server.server.closeAllConnections();
    await closing;
  }
}
