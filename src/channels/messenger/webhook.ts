import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { answerCommitted, answerNotRecorded, recordOnce } from "../../http/committed.js";
import type { WebhookDependencies } from "../types.js";
import type { MessengerConfig } from "./config.js";
import { parseWebhookBody } from "./events.js";

export const messengerWebhookPath = "/webhooks/messenger";

// ---- Signature ----

/**
 * `X-Hub-Signature-256: sha256=<hex>` is an HMAC-SHA256 of the exact bytes Meta sent, keyed with the App
 * Secret. Meta serializes with escaped unicode, so re-serializing the parsed body would not reproduce them:
 * only the raw bytes can be checked. Constant-time comparison, so the answer time reveals nothing.
 */
export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: unknown): boolean {
  if (typeof header !== "string") return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- Routes ----

export function registerMessengerWebhooks(
  server: FastifyInstance,
  config: MessengerConfig | null,
  { conversations, isRecorded, logger }: WebhookDependencies,
): void {
  const log = logger.child({ channel: "messenger" });
  const disabled = (reply: FastifyReply) => {
    log.warn(
      "Messenger webhook called but Messenger is not configured (MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN unset)",
    );
    return reply.code(503).send({ error: "Messenger is not configured on this server" });
  };

  // In their own scope, the routes get the body as bytes whatever its type: the signature is checked
  // before the body is parsed, so an unsigned request is refused with 403 even when it is not JSON.
  server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    scope.get(messengerWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
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

    scope.post(messengerWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
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
      const parsed = parseWebhookBody(body);
      if ("problem" in parsed) {
        log.warn({ problem: parsed.problem }, "malformed Messenger webhook");
        return reply.code(400).send({ error: parsed.problem });
      }
      // In order, one at a time: the core's per-conversation order is the order they are recorded. At the
      // first event that could not be recorded the rest wait: Meta sends the whole batch again, the events
      // already recorded are recognised by their mid, and the order holds.
      for (const event of parsed.events) {
        switch (event.type) {
          case "message": {
            const { inbound } = event;
            const recorded = await recordOnce(
              () => conversations.receive(inbound),
              () => isRecorded("messenger", inbound.providerMessageId),
              log,
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
              log,
              { report: report.status },
            );
            if (recorded === "not_committed") return answerNotRecorded(reply);
            break;
          }
          case "echo":
            log.debug({ mid: event.mid }, "echo of a Page message ignored");
            break;
          case "ignored":
            log.info({ reason: event.reason }, "Messenger event ignored");
            break;
        }
      }
      return answerCommitted(request, reply, { contentType: "text/plain", body: "EVENT_RECEIVED" });
    });
  });
}
