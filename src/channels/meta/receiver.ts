import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { answerCommitted, answerNotRecorded, recordOnce } from "../../http/committed.js";
import { sharedRoutes } from "../shared-routes.js";
import type { WebhookDependencies } from "../types.js";
import type { MetaConfig } from "./config.js";
import { type MetaMessagingChannel, parseNotification } from "./events.js";
import { sameSecret, verifyHubSignature } from "./signature.js";

/**
 * The Meta app calls one callback URL for every product it is subscribed to, and says which in the body's
 * `object` ("page" for Messenger, "instagram" for Instagram): the routes are shared, and each Meta channel
 * registers the object it reads there. A request is verified once, then handed to that channel.
 */
export const metaWebhookPath = "/webhooks/messenger";

const addChannel = sharedRoutes<MetaMessagingChannel>();

/** Adds a Meta channel to the server's shared Meta routes, registering the routes with the first one. */
export function registerMetaChannel(
  server: FastifyInstance,
  config: MetaConfig | null,
  deps: WebhookDependencies,
  channel: MetaMessagingChannel,
): void {
  addChannel(server, channel, (channels) => registerRoutes(server, config, deps, channels));
}

function registerRoutes(
  server: FastifyInstance,
  config: MetaConfig | null,
  { conversations, isRecorded, logger }: WebhookDependencies,
  channels: readonly MetaMessagingChannel[],
): void {
  const log = logger.child({ provider: "meta" });
  // Every Meta channel shares the credentials: without them, none is configured.
  const notConfigured = () => channels.map((channel) => `${channel.platform} is not configured`).join("; ");
  const disabled = (reply: FastifyReply) => {
    log.warn(
      `Meta webhook called but ${notConfigured()} (MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN unset)`,
    );
    return reply.code(503).send({ error: `${notConfigured()} on this server` });
  };

  // In their own scope, the routes get the body as bytes whatever its type: the signature is checked
  // before the body is parsed, so an unsigned request is refused with 403 even when it is not JSON.
  server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    scope.get(metaWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!config) return disabled(reply);
      const query = request.query as Record<string, unknown>;
      const mode = query["hub.mode"];
      const token = query["hub.verify_token"];
      const challenge = query["hub.challenge"];
      if (
        mode !== "subscribe" ||
        typeof token !== "string" ||
        !sameSecret(token, config.verifyToken) ||
        typeof challenge !== "string" ||
        challenge === ""
      ) {
        log.warn(
          { mode, tokenGiven: typeof token === "string", challengeGiven: typeof challenge === "string" },
          "Messenger verification refused",
        );
        return reply.code(403).type("text/plain").send("verification failed");
      }
      log.info("Messenger webhook verified");
      return reply.code(200).type("text/plain").send(challenge);
    });

    scope.post(metaWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!config) return disabled(reply);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers["x-hub-signature-256"];
      if (!verifyHubSignature(config.appSecret, raw, signature)) {
        log.warn({ ip: request.ip, signed: signature !== undefined }, "Messenger webhook signature rejected");
        return reply.code(403).send({ error: "invalid or missing X-Hub-Signature-256" });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        log.warn({ bytes: raw.length }, "Messenger webhook body is not JSON");
        return reply.code(400).send({ error: "body is not valid JSON" });
      }
      const parsed = parseNotification(body, channels);
      if ("problem" in parsed) {
        log.warn({ problem: parsed.problem }, "malformed Messenger webhook");
        return reply.code(400).send({ error: parsed.problem });
      }
      const { channel } = parsed;
      const channelLog = log.child({ channel: channel.kind });
      // In order, one at a time: the core's per-conversation order is the order they are recorded. At the
      // first event that could not be recorded the rest wait: Meta sends the whole batch again, the events
      // already recorded are recognised by their mid, and the order holds.
      for (const event of parsed.events) {
        switch (event.type) {
          case "message": {
            const { inbound } = event;
            const recorded = await recordOnce(
              () => conversations.receive(inbound),
              () => isRecorded(channel.kind, inbound.providerMessageId),
              channelLog,
              { providerMessageId: inbound.providerMessageId },
            );
            if (recorded === "not_committed") return answerNotRecorded(reply);
            break;
          }
          case "report": {
            const { report } = event;
            const recorded = await recordOnce(
              () => conversations.deliveryReported(report),
              async () => false,
              channelLog,
              { report: report.status },
            );
            if (recorded === "not_committed") return answerNotRecorded(reply);
            break;
          }
          case "echo":
            channelLog.debug({ mid: event.mid }, `echo of a ${channel.platform} message ignored`);
            break;
          case "ignored":
            channelLog.info({ reason: event.reason }, `${channel.platform} event ignored`);
            break;
        }
      }
      return answerCommitted(request, reply, { contentType: "text/plain", body: "EVENT_RECEIVED" });
    });
  });
}
