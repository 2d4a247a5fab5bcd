import { createHmac } from "node:crypto";

// What the Graph simulator speaks: Graph's error answers, the Send API's body, and Meta's side of the webhook
// (bodies serialized and signed exactly as Meta does). Wire formats: shared reference, protocols.md §5, and
// Meta's Instagram messaging guides for Instagram.

export interface GraphErrorObject {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  fbtrace_id: string;
}

/** An error answer: HTTP status and Graph's `{ error: {...} }` body. */
export interface GraphFailure {
  status: number;
  error: GraphErrorObject;
}

export const failure = (
  status: number,
  code: number,
  message: string,
  extra: Partial<GraphErrorObject> = {},
): GraphFailure => ({
  status,
  error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEfGhIjK", ...extra },
});

/** The errors Meta documents for the Send API (protocols.md §5.4). Graph answers most of them with 400. */
export const graphErrors = {
  outsideWindow: failure(400, 10, "(#10) This message is sent outside of allowed window.", {
    error_subcode: 2018278,
  }),
  notReceiving: failure(
    400,
    200,
    "(#200) Message Not Sent: This person isn't receiving messages from you right now.",
    {
      error_subcode: 1545041,
    },
  ),
  unavailable: failure(400, 551, "(#551) This person isn't available right now."),
  noUser: failure(400, 100, "(#100) No matching user found", { error_subcode: 2018001 }),
  badToken: failure(400, 190, "Invalid OAuth access token."),
  rateLimited: failure(400, 613, "(#613) Calls to this API have exceeded the rate limit."),
  temporary: failure(400, 1200, "(#1200) Temporary send message failure. Please try again later.", {
    is_transient: true,
  }),
  unexpected: failure(500, 2, "An unexpected error has occurred. Please retry your request later.", {
    is_transient: true,
  }),
  /** What the User Profile API answers for fields that need permissions the Page lacks. */
  profilePermission: failure(400, 100, "(#100) Insufficient permission to access user profile", {
    error_subcode: 2018247,
  }),
  unknownObject: failure(400, 100, "Unsupported get request. Object does not exist.", { error_subcode: 33 }),
} satisfies Record<string, GraphFailure>;

export interface SendBody {
  recipient: { id: string };
  messaging_type: string;
  tag?: string;
  message: { text?: string; attachment?: { type: string; payload: { url?: string } } };
}

export interface RecordedSend {
  /** "me" or the Page id in the path. */
  page: string;
  body: SendBody;
  messageId: string;
  at: Date;
}

export interface Profile {
  first_name: string;
  last_name: string;
  profile_pic: string;
}

/**
 * JSON as Meta serializes webhook bodies: non-ASCII as lowercase `\uXXXX` escapes (UTF-16 units, so an emoji
 * is two) and `/` as `\/`. A receiver that re-serializes the parsed body computes a different signature.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

export function hubSignature(appSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

export interface WebhookOptions {
  /** Signs with this App Secret; omit to send unsigned. */
  appSecret?: string;
  /** Sends this header value instead of the computed one. */
  signature?: string;
}

/** POSTs `payload` to the webhook URL exactly as Meta would: escaped-unicode bytes, signed as sent. */
export async function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookOptions = {},
): Promise<Response> {
  const bytes = Buffer.from(metaJson(payload), "utf8");
  const signature =
    options.signature ?? (options.appSecret ? hubSignature(options.appSecret, bytes) : undefined);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature ? { "x-hub-signature-256": signature } : {}),
    },
    body: bytes,
  });
}
