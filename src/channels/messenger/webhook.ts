import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Attachment, DeliveryReport, InboundMessage } from "../../core/model.js";
import { answerCommitted, answerNotRecorded, recordOnce } from "../../http/committed.js";
import type { WebhookDependencies } from "../types.js";
import { isGraphId } from "./address.js";
import type { MessengerConfig } from "./config.js";

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

// ---- Payload ----

export type MessengerEvent =
  | { readonly type: "message"; readonly inbound: InboundMessage }
  | { readonly type: "report"; readonly report: DeliveryReport }
  | { readonly type: "echo"; readonly mid: string | undefined }
  | { readonly type: "ignored"; readonly reason: string };

const envelopeSchema = z.object({
  object: z.literal("page", { error: 'object must be "page" (a Page subscription)' }),
  entry: z.array(
    z.object({ messaging: z.array(z.unknown(), { error: "entry.messaging must be a list" }).optional() }),
    { error: "entry must be a list" },
  ),
});

const party = z.object({ id: z.string().refine(isGraphId, "is not a Graph id") });

const linkSchema = z.object({
  title: z.string().optional(),
  url: z.string().optional(),
  item_url: z.string().optional(),
  default_action: z.object({ url: z.string().optional() }).nullish(),
});

// URLs are plain strings here: a link that does not parse must not cost the customer's whole message.
const attachmentSchema = z.object({
  type: z.string(),
  // Older shares put the link next to the payload (`"payload": null`).
  title: z.string().nullish(),
  url: z.string().nullish(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      elements: z.array(linkSchema).optional(),
    })
    .nullish(),
});

const eventSchema = z.object({
  sender: party,
  recipient: party,
  timestamp: z.number().int().positive().optional(),
  message: z
    .object({
      mid: z.string().min(1),
      is_echo: z.boolean().optional(),
      text: z.string().optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .optional(),
  delivery: z
    .object({ mids: z.array(z.string()).optional(), watermark: z.number().int().nonnegative() })
    .optional(),
  read: z.object({ watermark: z.number().int().nonnegative() }).optional(),
});

type ParsedEvent = z.infer<typeof eventSchema>;
type AttachmentPayload = z.infer<typeof attachmentSchema>;

/** Only these are files; everything else (shared links, templates, reels…) is shown as links, never fetched. */
const downloadableTypes: Record<string, string> = {
  image: "Image",
  video: "Video",
  audio: "Audio",
  file: "File",
};

const webUrl = (text: string): URL | null => {
  const url = URL.canParse(text) ? new URL(text) : null;
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url : null;
};

function fileNameOf(url: URL): string {
  const last = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // not valid percent-encoding: the name as it is written
  }
}

/**
 * Images, videos and audio carry a `type/*` content type so they can be told apart; files are named after
 * the file when the URL shows its name.
 */
function toFile(type: string, url: URL, title: string | undefined): Attachment {
  const fileName = fileNameOf(url);
  const name =
    title ?? (type === "file" && fileName.includes(".") ? fileName : undefined) ?? downloadableTypes[type];
  const contentType = type === "file" ? undefined : `${type}/*`;
  return { url: url.href, name, ...(contentType ? { contentType } : {}) };
}

/** The links a share carries, each as a line of the message's text (escaped with it when posted). */
function linkLines(attachment: AttachmentPayload): string[] {
  const links = [
    {
      title: attachment.payload?.title ?? attachment.title ?? undefined,
      url: attachment.payload?.url ?? attachment.url,
    },
    ...(attachment.payload?.elements ?? []).map((element) => ({
      title: element.title,
      url: element.default_action?.url ?? element.item_url ?? element.url,
    })),
  ];
  return links.flatMap(({ title, url }) => (url ? [`🔗 ${title ? `${title}: ` : ""}${url}`] : []));
}

type Part = { readonly file: Attachment } | { readonly lines: string[] };

function toPart(attachment: AttachmentPayload): Part {
  const url = webUrl(attachment.payload?.url ?? "");
  if (Object.hasOwn(downloadableTypes, attachment.type) && url) {
    return { file: toFile(attachment.type, url, attachment.payload?.title) };
  }
  const lines = linkLines(attachment);
  if (lines.length > 0) return { lines };
  // Shares Messenger does not pass on (type "fallback" without a URL) still tell the agent something came.
  const what = attachment.type === "fallback" ? "something" : `a ${attachment.type}`;
  return { lines: [`(sent ${what} Messenger does not pass on)`] };
}

function toInbound(event: ParsedEvent, message: NonNullable<ParsedEvent["message"]>): InboundMessage {
  const parts = (message.attachments ?? []).map(toPart);
  return {
    kind: "messenger",
    inboxAddress: event.recipient.id,
    contactAddress: event.sender.id,
    providerMessageId: message.mid,
    text: [message.text ?? "", ...parts.flatMap((part) => ("lines" in part ? part.lines : []))]
      .filter(Boolean)
      .join("\n"),
    attachments: parts.flatMap((part) => ("file" in part ? [part.file] : [])),
    // When the customer wrote, not when the webhook arrived: Meta retries for hours, and the reply
    // window counts from the message.
    receivedAt: event.timestamp ? new Date(event.timestamp) : new Date(),
  };
}

function toEvent(raw: unknown): MessengerEvent {
  // Echoes have sender and recipient swapped and are checked first, so their shape never matters.
  const rawMessage = (raw as { message?: { is_echo?: unknown; mid?: unknown } } | null)?.message;
  if (rawMessage?.is_echo === true) {
    return { type: "echo", mid: typeof rawMessage.mid === "string" ? rawMessage.mid : undefined };
  }
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      type: "ignored",
      reason: `malformed event: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    };
  }
  const event = parsed.data;
  if (event.message) return { type: "message", inbound: toInbound(event, event.message) };
  const common = {
    kind: "messenger",
    inboxAddress: event.recipient.id,
    contactAddress: event.sender.id,
  } as const;
  if (event.delivery) {
    return {
      type: "report",
      report: {
        ...common,
        status: "delivered",
        providerMessageIds: event.delivery.mids ?? [],
        upTo: new Date(event.delivery.watermark),
      },
    };
  }
  if (event.read) {
    return {
      type: "report",
      report: { ...common, status: "read", providerMessageIds: [], upTo: new Date(event.read.watermark) },
    };
  }
  const kinds = Object.keys(raw as object).filter((k) => !["sender", "recipient", "timestamp"].includes(k));
  return { type: "ignored", reason: `unhandled event type: ${kinds.join(", ") || "(none)"}` };
}

/**
 * A notification body → its events, in the order Meta sent them (entries, then each entry's messaging
 * list). A body that is not a Page notification is a problem; an event that cannot be understood is
 * reported as ignored, so one odd event does not make Meta redeliver the whole batch.
 */
export function parseWebhookBody(body: unknown): { events: MessengerEvent[] } | { problem: string } {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    return {
      problem: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    };
  }
  return { events: parsed.data.entry.flatMap((entry) => (entry.messaging ?? []).map(toEvent)) };
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
