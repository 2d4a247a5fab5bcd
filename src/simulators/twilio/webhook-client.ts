import { randomUUID } from "node:crypto";
import { type SignatureOverride, type TwilioParams, twilioSignature } from "./wire.js";

/**
 * Posts a webhook to the app as Twilio does: form-encoded, with Twilio's headers, signed for `publicUrl` (the
 * URL the app believes Twilio calls) unless the test overrides the signature (null: none).
 */
export async function postSigned(
  authToken: string,
  webhookUrl: string,
  publicUrl: string,
  params: TwilioParams,
  signature: SignatureOverride,
): Promise<{ status: number; body: string }> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "user-agent": "TwilioProxy/1.1",
    "i-twilio-idempotency-token": randomUUID(),
  };
  // Connection overrides (`#rc=3&rp=all`) ride in the configured URL's fragment, which is never part of an
  // HTTP request: Twilio reads them and requests, and signs, the URL without it.
  const requested = publicUrl.split("#")[0] as string;
  const header = signature === undefined ? twilioSignature(authToken, requested, params) : signature;
  if (header !== null) headers["x-twilio-signature"] = header;
  const response = await fetch(webhookUrl, { method: "POST", headers, body: form.toString() });
  return { status: response.status, body: await response.text() };
}
