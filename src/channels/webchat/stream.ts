import type { FastifyReply, FastifyRequest } from "fastify";
import type { HistoryMessage } from "../../core/ports/customer-view.js";
import type { Logger } from "../../logger.js";
import { historyPage, shownMessage } from "./history.js";
import type { LiveVisitors } from "./live.js";

/**
 * A comment line now and then keeps an idle stream open through proxies, and reads the database again: a reply
 * sent by another instance (PostgreSQL, several instances) reaches the visitor within this, not only replies
 * sent by this process, which wake the stream at once.
 */
export const streamRefreshMs = 15_000;

export interface VisitorStream {
  readonly live: LiveVisitors;
  readonly openStreams: Set<() => void>;
  readonly log: Logger;
  readonly read: (afterId: number) => Promise<readonly HistoryMessage[]>;
  readonly site: string;
  readonly visitor: string;
  /** The last message the panel already shows. */
  readonly after: number;
}

/** Server-sent events: every message of the visitor's conversation after `after`, as it is recorded. */
export function openVisitorStream(request: FastifyRequest, reply: FastifyReply, stream: VisitorStream) {
  const { live, log, read, site, visitor } = stream;
  let lastId = stream.after;
  let reading: Promise<void> | null = null;
  let readAgain = false;
  let closed = false;

  const pushNew = async () => {
    do {
      readAgain = false;
      const messages = await read(lastId);
      const last = messages.at(-1);
      if (closed || !last) break;
      lastId = last.id;
      reply.raw.write(`id: ${lastId}\ndata: ${JSON.stringify({ messages: messages.map(shownMessage) })}\n\n`);
      if (messages.length === historyPage) readAgain = true;
    } while (readAgain && !closed);
  };
  // One read at a time, in order; a change during a read asks for one more.
  const changed = () => {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = pushNew()
      .catch((error: unknown) =>
        log.warn({ err: error, site }, "web chat stream could not read new messages"),
      )
      .finally(() => {
        reading = null;
      });
  };

  const stopListening = live.listen(site, visitor, changed);
  if (!stopListening) {
    log.warn(
      { site, visitor: visitor.slice(0, 8) },
      "web chat stream refused: too many open for one visitor",
    );
    return reply.code(429).send({ error: "too many chat windows open; close one" });
  }
  const heartbeat = setInterval(() => {
    reply.raw.write(": ping\n\n");
    changed();
  }, streamRefreshMs);
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    stopListening();
    stream.openStreams.delete(end);
    reply.raw.end();
  };
  stream.openStreams.add(end);
  request.raw.on("close", end);

  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    // Proxies (nginx) would otherwise hold the events back.
    "x-accel-buffering": "no",
  });
  reply.raw.write(": open\n\n");
  log.debug({ site, visitor: visitor.slice(0, 8) }, "web chat stream opened");
  changed();
  return reply;
}
