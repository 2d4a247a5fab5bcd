import { createHmac, randomBytes } from "node:crypto";

// What the Twilio simulator speaks: Twilio's wire types, error codes, signature, and the small helpers of its API.

export type TwilioParams = Record<string, string | string[]>;

export type MessageStatus =
  | "queued"
  | "accepted"
  | "sending"
  | "sent"
  | "delivered"
  | "undelivered"
  | "failed"
  | "read"
  | "canceled";

export interface SentMessage {
  sid: string;
  To: string;
  From?: string;
  MessagingServiceSid?: string;
  Body: string;
  MediaUrl: string[];
  /** A Content Template sent instead of a Body (WhatsApp templates), with the variables given. */
  ContentSid?: string;
  ContentVariables?: Record<string, string>;
  StatusCallback?: string;
  /** Changed by sendStatusCallback, so the list endpoint shows what the app was told. */
  status: MessageStatus;
  errorCode: number | null;
  at: Date;
  updatedAt: Date;
}

export interface TwilioRequest {
  method: string;
  path: string;
  params: TwilioParams;
  at: Date;
}

export interface TwilioFault {
  times?: number;
  status: number;
  code?: number;
  message?: string;
  /**
   * The message is accepted and goes out anyway (it is in the message log), then the caller gets the error answer
   * ("answer_error": a failure after Twilio's commit) or no answer at all ("drop_connection": the connection is
   * reset, as when a proxy or a timeout cuts it).
   */
  accepted?: "answer_error" | "drop_connection";
}

/**
 * Advanced Opt-Out keywords of a Messaging Service (protocols §4.7): a message whose whole body is one of them
 * (any case) reaches the webhook with `OptOutType` = STOP, START or HELP.
 */
export type AdvancedOptOut = Record<"STOP" | "START" | "HELP", readonly string[]>;

export interface WebhookResult {
  status: number;
  body: string;
  messageSid: string;
  /** The form parameters that were posted (and signed). */
  params: TwilioParams;
}

/** undefined: sign properly; null: send no X-Twilio-Signature; a string: send that instead. */
export type SignatureOverride = string | null | undefined;

export const API_VERSION = "2010-04-01";

export const DEFAULT_CODES: Record<number, number> = {
  400: 21211,
  401: 20003,
  404: 20404,
  429: 20429,
  500: 20500,
  503: 20503,
};

export function defaultMessage(code: number, to: string): string {
  const messages: Record<number, string> = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    20503: "Service Unavailable",
    21211: `The 'To' number ${to} is not a valid phone number.`,
    21408: `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
    21610: "Attempt to send to unsubscribed recipient",
    21654: "ContentSid Required",
    21655: "The ContentSid is Invalid",
    21656: "The ContentVariables Parameter is invalid",
    63007: "Twilio could not find a Channel with the specified From address",
    63016:
      "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
  };
  return messages[code] ?? "Error";
}

/** X-Twilio-Signature exactly as twilio-node's getExpectedTwilioSignature computes it (protocols §4.2). */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key] ?? "";
    if (Array.isArray(value)) for (const item of [...new Set(value)].sort()) data += key + item;
    else data += key + value;
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

export function sid(prefix: string): string {
  return prefix + randomBytes(16).toString("hex");
}

export function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/** Twilio's segment count: GSM-7 fits 160 per message (153 when split), anything else UCS-2 70 (67). */
export function segments(body: string): number {
  const gsmExtended = /[\^{}\\[\]~|€]/g;
  const gsm = /^[\n\r\x20-\x7E£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà€]*$/.test(body) && !body.includes("`");
  const units = gsm ? body.length + (body.match(gsmExtended)?.length ?? 0) : body.length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / part);
}

export function groupFields(fields: [string, string][]): TwilioParams {
  const params: TwilioParams = {};
  for (const [key, value] of fields) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

export function single(params: TwilioParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value.at(-1) : value;
}

export function many(params: TwilioParams, key: string): string[] {
  const value = params[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InboundInput {
  from: string;
  to: string;
  body: string;
  messageSid?: string;
  media?: { url: string; contentType: string }[];
  extraParams?: Record<string, string>;
}

/** A WhatsApp message as Twilio posts it to the incoming-message webhook (numbers in E.164, without the prefix). */
export interface WhatsAppInboundInput {
  from: string;
  to: string;
  body: string;
  /** The name the customer set in WhatsApp; Twilio sends it as ProfileName when WhatsApp gives one. */
  profileName?: string;
  messageSid?: string;
  media?: { url: string; contentType: string }[];
}

export const whatsappPrefix = "whatsapp:";
/** WhatsApp's customer-service window: free-form messages only this long after the user's last message. */
export const whatsappWindowMs = 24 * 60 * 60 * 1000;
export const contentSidPattern = /^HX[0-9a-fA-F]{32}$/;
