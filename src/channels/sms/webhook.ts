import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import type { SmsConfig } from "../../config.js";
import type { Attachment, InboundMessage, MessageStatus } from "../../core/model.js";
import { answerCommitted, answerNotRecorded, recordOnce } from "../../http/committed.js";
import type { WebhookDependencies } from "../types.js";
import { parsePhoneNumber } from "./address.js";
import { twilioReason } from "./errors.js";

export const smsWebhookPath = "/webhooks/twilio";
export const smsStatusPath = "/webhooks/twilio/status";

const emptyTwiml = { contentType: "text/xml", body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' };

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "MessageSid is not a Twilio message sid"),
  From: z.string().min(1, "From is missing"),
  To: z.string().min(1, "To is missing"),
  Body: z.string().default(""),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  OptOutType: z.string().optional(),
});

/**
 * With Advanced Opt-Out (a Messaging Service), Twilio names the keyword class a message matched, custom and
 * translated keywords included. Without it the parameter is absent and the default words apply (media.ts).
 */
const optOutTypes: Partial<Record<string, InboundMessage["keyword"]>> = {
  STOP: "opt_out",
  START: "opt_in",
  HELP: "help",
};

/** Twilio's message statuses mapped to ours; the rest (receiving, canceled…) say nothing about delivery. */
const twilioStatuses: Partial<Record<string, MessageStatus>> = {
  accepted: "queued",
  scheduled: "queued",
  queued: "queued",
  sending: "sent",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  undelivered: "undelivered",
};

const statusSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "MessageSid is not a Twilio message sid"),
  MessageStatus: z.string().min(1, "MessageStatus is missing"),
  ErrorCode: z.string().optional(),
});

type FormBody = Record<string, string>;

/**
 * Twilio signs the URL it was configured with (PUBLIC_URL + path), not the URL we see behind a tunnel or
 * proxy, so the check is made against the public one. Unsigned or wrongly signed → 403, nothing stored.
 */
export function verifyTwilioSignature(
  config: SmsConfig,
  publicUrl: string,
  request: FastifyRequest,
): boolean {
  const signature = request.headers["x-twilio-signature"];
  if (typeof signature !== "string" || signature === "") return false;
  const body = (request.body ?? {}) as FormBody;
  return twilio.validateRequest(config.authToken, signature, publicUrl + request.url, body);
}

export function parseInbound(body: FormBody): InboundMessage | { problem: string } {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { MessageSid, From, To, Body, NumMedia, OptOutType } = parsed.data;
  const contactAddress = parsePhoneNumber(From) ?? From;
  const inboxAddress = parsePhoneNumber(To);
  if (!inboxAddress) return { problem: `To is not a phone number: ${To}` };
  const attachments: Attachment[] = [];
  for (let index = 0; index < NumMedia; index++) {
    const url = body[`MediaUrl${index}`];
    if (url) attachments.push({ url, contentType: body[`MediaContentType${index}`] });
  }
  return {
    kind: "sms",
    inboxAddress,
    contactAddress,
    providerMessageId: MessageSid,
    text: Body,
    attachments,
    receivedAt: new Date(),
    keyword: OptOutType === undefined ? undefined : optOutTypes[OptOutType.toUpperCase()],
  };
}

export function registerSmsWebhooks(
  server: FastifyInstance,
  config: SmsConfig | null,
  publicUrl: string,
  { conversations, isRecorded, logger }: WebhookDependencies,
): void {
  const log = logger.child({ channel: "sms" });

  /** What every Twilio request passes first; answers and logs the refusal, or returns null to go on. */
  const refuseUntrusted = (what: string, request: FastifyRequest, reply: FastifyReply) => {
    if (!config) {
      log.warn(`${what} but SMS is not configured (TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN unset)`);
      return reply.code(503).send({ error: "SMS is not configured on this server" });
    }
    if (!verifyTwilioSignature(config, publicUrl, request)) {
      log.warn(
        { ip: request.ip, signed: Boolean(request.headers["x-twilio-signature"]) },
        `${what}: signature rejected`,
      );
      return reply.code(403).send({ error: "invalid or missing X-Twilio-Signature" });
    }
    return null;
  };

  server.post(smsWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refuseUntrusted("Twilio webhook", request, reply);
    if (refused) return refused;
    const inbound = parseInbound((request.body ?? {}) as FormBody);
    if ("problem" in inbound) {
      log.warn({ problem: inbound.problem }, "malformed Twilio webhook");
      return reply.code(400).send({ error: inbound.problem });
    }
    const recorded = await recordOnce(
      () => conversations.receive(inbound),
      () => isRecorded("sms", inbound.providerMessageId),
      log,
      { providerMessageId: inbound.providerMessageId },
    );
    if (recorded === "not_committed") return answerNotRecorded(reply);
    return answerCommitted(request, reply, emptyTwiml);
  });

  server.post(smsStatusPath, async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refuseUntrusted("Twilio status callback", request, reply);
    if (refused) return refused;
    const parsed = statusSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join("; ");
      log.warn({ problem }, "malformed Twilio status callback");
      return reply.code(400).send({ error: problem });
    }
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const status = twilioStatuses[MessageStatus];
    if (status) {
      // A status cannot be looked up afterwards; recording it again on a retry changes nothing.
      const recorded = await recordOnce(
        () =>
          conversations.providerStatusChanged({
            kind: "sms",
            providerMessageId: MessageSid,
            status,
            errorCode: ErrorCode,
            reason: ErrorCode ? twilioReason(ErrorCode) : undefined,
          }),
        async () => false,
        log,
        { providerMessageId: MessageSid, status },
      );
      if (recorded === "not_committed") return answerNotRecorded(reply);
    }
    return answerCommitted(request, reply, emptyTwiml);
  });
}
