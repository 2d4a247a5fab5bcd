import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import type { ChannelKind, InboundMessage, MessageStatus } from "../../core/model.js";
import { answerCommitted, answerNotRecorded, recordOnce } from "../../http/committed.js";
import { sharedRoutes } from "../shared-routes.js";
import type { WebhookDependencies } from "../types.js";
import type { TwilioConfig } from "./config.js";

/**
 * Twilio calls one URL for every message to the account's senders, whatever the channel, and one for status
 * callbacks: the routes are shared, and each Twilio channel registers what it reads there. A request is
 * verified once, then handed to the channel whose address prefix (`whatsapp:`…) its addresses carry; the
 * channel without a prefix (plain phone numbers) takes the rest.
 */
export const twilioWebhookPath = "/webhooks/twilio";
export const twilioStatusPath = "/webhooks/twilio/status";

export type FormBody = Record<string, string>;

export interface TwilioMessagingChannel {
  readonly kind: ChannelKind;
  readonly label: string;
  /** What Twilio writes before this channel's addresses, e.g. "whatsapp:"; "" for plain phone numbers. */
  readonly addressPrefix: string;
  parseInbound(body: FormBody, receivedAt: Date): InboundMessage | { problem: string };
  /** A Twilio error code in words an agent can act on. */
  errorReason(code: string): string;
}

const emptyTwiml = { contentType: "text/xml", body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' };

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

/**
 * Twilio signs the URL it was configured with (PUBLIC_URL + path), not the URL we see behind a tunnel or
 * proxy, so the check is made against the public one. Unsigned or wrongly signed → 403, nothing stored.
 */
export function verifyTwilioSignature(
  config: TwilioConfig,
  publicUrl: string,
  request: FastifyRequest,
): boolean {
  const signature = request.headers["x-twilio-signature"];
  if (typeof signature !== "string" || signature === "") return false;
  const body = (request.body ?? {}) as FormBody;
  return twilio.validateRequest(config.authToken, signature, publicUrl + request.url, body);
}

const addChannel = sharedRoutes<TwilioMessagingChannel>();

/** Adds a Twilio channel to the server's shared Twilio routes, registering the routes with the first one. */
export function registerTwilioChannel(
  server: FastifyInstance,
  config: TwilioConfig | null,
  publicUrl: string,
  deps: WebhookDependencies,
  channel: TwilioMessagingChannel,
): void {
  addChannel(server, channel, (channels) => registerRoutes(server, config, publicUrl, deps, channels));
}

/** The channel whose prefix one of the addresses carries (or Twilio's ChannelPrefix names); else the plain one. */
function channelFor(
  channels: readonly TwilioMessagingChannel[],
  addresses: readonly (string | undefined)[],
  channelPrefix?: string,
) {
  const prefixed = channels.find(
    (channel) =>
      channel.addressPrefix !== "" &&
      (addresses.some((address) => address?.startsWith(channel.addressPrefix)) ||
        `${channelPrefix}:` === channel.addressPrefix),
  );
  return prefixed ?? channels.find((channel) => channel.addressPrefix === "");
}

function registerRoutes(
  server: FastifyInstance,
  config: TwilioConfig | null,
  publicUrl: string,
  { conversations, isRecorded, logger, now }: WebhookDependencies,
  channels: readonly TwilioMessagingChannel[],
): void {
  const log = logger.child({ provider: "twilio" });

  /** What every Twilio request passes first; answers and logs the refusal, or returns null to go on. */
  const refuseUntrusted = (what: string, request: FastifyRequest, reply: FastifyReply) => {
    if (!config) {
      log.warn(`${what} but Twilio is not configured (TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN unset)`);
      return reply.code(503).send({ error: "Twilio channels are not configured on this server" });
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

  server.post(twilioWebhookPath, async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refuseUntrusted("Twilio webhook", request, reply);
    if (refused) return refused;
    const body = (request.body ?? {}) as FormBody;
    const channel = channelFor(channels, [body.From, body.To]);
    if (!channel) {
      log.warn({ from: body.From, to: body.To }, "Twilio webhook for a channel Threadline does not bridge");
      return reply.code(400).send({ error: "no Threadline channel takes messages to this address" });
    }
    const channelLog = log.child({ channel: channel.kind });
    const inbound = channel.parseInbound(body, new Date(now()));
    if ("problem" in inbound) {
      channelLog.warn({ problem: inbound.problem }, "malformed Twilio webhook");
      return reply.code(400).send({ error: inbound.problem });
    }
    const recorded = await recordOnce(
      () => conversations.receive(inbound),
      () => isRecorded(channel.kind, inbound.providerMessageId),
      channelLog,
      { providerMessageId: inbound.providerMessageId },
    );
    if (recorded === "not_committed") return answerNotRecorded(reply);
    return answerCommitted(request, reply, emptyTwiml);
  });

  server.post(twilioStatusPath, async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refuseUntrusted("Twilio status callback", request, reply);
    if (refused) return refused;
    const body = (request.body ?? {}) as FormBody;
    const parsed = statusSchema.safeParse(body);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join("; ");
      log.warn({ problem }, "malformed Twilio status callback");
      return reply.code(400).send({ error: problem });
    }
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const channel = channelFor(channels, [body.From, body.To], body.ChannelPrefix);
    const status = twilioStatuses[MessageStatus];
    if (status && channel) {
      // A status cannot be looked up afterwards; recording it again on a retry changes nothing.
      const recorded = await recordOnce(
        () =>
          conversations.providerStatusChanged({
            kind: channel.kind,
            providerMessageId: MessageSid,
            status,
            errorCode: ErrorCode,
            reason: ErrorCode ? channel.errorReason(ErrorCode) : undefined,
          }),
        async () => false,
        log.child({ channel: channel.kind }),
        { providerMessageId: MessageSid, status },
      );
      if (recorded === "not_committed") return answerNotRecorded(reply);
    }
    return answerCommitted(request, reply, emptyTwiml);
  });
}
