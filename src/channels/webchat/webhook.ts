import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseBusinessHours } from "../../core/hours/business-hours.js";
import { isOpen } from "../../core/hours/business-time.js";
import type { ChannelMediaStore, WebhookDependencies } from "../types.js";
import { parseSiteKey } from "./address.js";
import type { WebchatConfig } from "./config.js";
import { historyPage, shownMessage } from "./history.js";
import type { LiveVisitors } from "./live.js";
import { maxWebchatImageBytes } from "./message-body.js";
import { checkOrigin } from "./origin.js";
import { RateLimit } from "./rate-limit.js";
import { serveWidgetScript } from "./script.js";
import { openVisitorStream } from "./stream.js";
import { receiveVisitorMessage } from "./visitor-message.js";
import { bearerToken, newVisitorToken, visitorAddressOf } from "./visitor-token.js";

const minute = 60_000;

/** How much one visitor, and one IP address (several visitors behind it), may do. */
export const webchatLimits = {
  messagesPerVisitorPerMinute: 10,
  messagesPerAddressPerMinute: 30,
  visitorsPerAddressPerHour: 20,
} as const;

interface KeyParams {
  readonly key: string;
}

export interface WebchatRoutes {
  readonly config: WebchatConfig | null;
  readonly live: LiveVisitors;
  readonly media: ChannelMediaStore | undefined;
}

/** The web chat's embed script and its API, all under /webchat. */
export function registerWebchatRoutes(
  server: FastifyInstance,
  routes: WebchatRoutes,
  deps: WebhookDependencies,
) {
  const { config, live, media } = routes;
  const { customerView, now } = deps;
  const log = deps.logger.child({ component: "webchat" });
  const perVisitor = new RateLimit(webchatLimits.messagesPerVisitorPerMinute, minute, now);
  const perAddress = new RateLimit(webchatLimits.messagesPerAddressPerMinute, minute, now);
  const newVisitors = new RateLimit(webchatLimits.visitorsPerAddressPerHour, 60 * minute, now);
  // Open event streams never end by themselves: closing the server ends them, or it would wait for them.
  const openStreams = new Set<() => void>();
  server.addHook("preClose", async () => {
    for (const end of openStreams) end();
  });

  const disabled = (request: FastifyRequest, reply: FastifyReply) => {
    log.warn({ url: request.url.split("?")[0] }, "web chat request refused: WEBCHAT_ORIGINS is not set");
    return reply.code(404).send({ error: "web chat is not configured on this server" });
  };

  server.get<{ Params: { file: string } }>("/webchat/:file", async (request, reply) => {
    if (!config) return disabled(request, reply);
    return serveWidgetScript(request, reply, log);
  });

  server.register(async (scope) => {
    if (config) scope.addHook("onRequest", checkOrigin(config.origins, log));

    /** The site's inbox when the key names one; answers 404 itself otherwise. */
    const siteInbox = async (request: FastifyRequest<{ Params: KeyParams }>, reply: FastifyReply) => {
      if (!config) {
        await disabled(request, reply);
        return null;
      }
      const key = parseSiteKey(request.params.key);
      const service = key === request.params.key ? await customerView.inboxService("webchat", key) : null;
      if (!key || !service) {
        log.info({ key: request.params.key }, "web chat request refused: no such site");
        await reply
          .code(404)
          .send({ error: "no web chat for this site; connect it with /threadline connect webchat" });
        return null;
      }
      return { key, service };
    };

    /** The visitor named by the request's token, or null after answering 401. */
    const visitorOf = async (request: FastifyRequest, reply: FastifyReply) => {
      const visitor = visitorAddressOf(bearerToken(request.headers.authorization));
      if (!visitor) {
        log.warn(
          { ip: request.ip, given: request.headers.authorization !== undefined },
          "web chat request refused: visitor token missing or malformed",
        );
        await reply.code(401).send({ error: "visitor token missing or malformed" });
        return null;
      }
      return visitor;
    };

    for (const path of [
      "/webchat/:key/status",
      "/webchat/:key/visitors",
      "/webchat/:key/messages",
      "/webchat/:key/events",
    ]) {
      // Preflight requests are answered by the origin check; this route only gives them a place to land.
      scope.options(path, async (_request, reply) => reply.code(204).send());
    }

    scope.get<{ Params: KeyParams }>("/webchat/:key/status", async (request, reply) => {
      const site = await siteInbox(request, reply);
      if (!site) return reply;
      const parsed = site.service.hours ? parseBusinessHours(site.service.hours) : null;
      const open = isOpen(parsed?.ok ? parsed.hours : null, now());
      return reply.send({
        available: site.service.connected,
        open,
        awayMessage: open ? null : site.service.awayMessage,
      });
    });

    scope.post<{ Params: KeyParams }>("/webchat/:key/visitors", async (request, reply) => {
      const site = await siteInbox(request, reply);
      if (!site) return reply;
      if (!newVisitors.take(request.ip)) {
        log.warn(
          { ip: request.ip, key: site.key },
          "web chat request refused: too many new visitors from one address",
        );
        return reply
          .code(429)
          .header("retry-after", "3600")
          .send({ error: "too many new conversations from your network; try again later" });
      }
      const token = newVisitorToken();
      log.info({ key: site.key, visitor: visitorAddressOf(token)?.slice(0, 8) }, "web chat visitor created");
      return reply.code(201).send({ token });
    });

    scope.post<{ Params: KeyParams }>(
      "/webchat/:key/messages",
      // An image travels in base64 inside the JSON: a third larger than the file, plus the text.
      { bodyLimit: Math.ceil(maxWebchatImageBytes / 3) * 4 + 64 * 1024 },
      async (request, reply) => {
        const site = await siteInbox(request, reply);
        if (!site) return reply;
        const visitor = await visitorOf(request, reply);
        if (!visitor) return reply;
        return receiveVisitorMessage(request, reply, {
          site: site.key,
          visitor,
          deps,
          media,
          live,
          log,
          limits: { perVisitor, perAddress },
        });
      },
    );

    scope.get<{ Params: KeyParams; Querystring: { after?: string } }>(
      "/webchat/:key/messages",
      async (request, reply) => {
        const site = await siteInbox(request, reply);
        if (!site) return reply;
        const visitor = await visitorOf(request, reply);
        if (!visitor) return reply;
        const after = Number(request.query.after ?? 0);
        const messages = await customerView.messagesOf(
          { kind: "webchat", inboxAddress: site.key, contactAddress: visitor },
          Number.isSafeInteger(after) && after > 0 ? after : 0,
          historyPage,
        );
        return reply.header("cache-control", "no-store").send({ messages: messages.map(shownMessage) });
      },
    );

    scope.get<{ Params: KeyParams; Querystring: { after?: string } }>(
      "/webchat/:key/events",
      async (request, reply) => {
        const site = await siteInbox(request, reply);
        if (!site) return reply;
        const visitor = await visitorOf(request, reply);
        if (!visitor) return reply;
        const after = Number(request.query.after ?? 0);
        return openVisitorStream(request, reply, {
          openStreams,
          live,
          log,
          read: (afterId) =>
            customerView.messagesOf(
              { kind: "webchat", inboxAddress: site.key, contactAddress: visitor },
              afterId,
              historyPage,
            ),
          site: site.key,
          visitor,
          after: Number.isSafeInteger(after) && after > 0 ? after : 0,
        });
      },
    );
  });
}
