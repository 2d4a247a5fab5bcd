import type { DeliveryError } from "../../core/errors.js";
import { classifyTwilioError, twilioReason } from "../twilio/errors.js";

/** Twilio's WhatsApp error codes (the 63xxx range) in words an agent can act on; others as for SMS. */
const reasons: Record<number, string> = {
  63016:
    "the customer's last message is more than 24 hours old, and WhatsApp allows only an approved template after that",
  63018: "WhatsApp's sending rate for this sender was exceeded",
  63024: "the number is not a WhatsApp user, or can't receive from this sender",
  63032: "WhatsApp did not deliver the message to this user",
};

export function whatsappReason(code: number | string | undefined): string {
  const known = code === undefined ? undefined : reasons[Number(code)];
  return known ? `${known} (Twilio error ${code})` : twilioReason(code);
}

export function classifyWhatsAppError(error: unknown): DeliveryError {
  return classifyTwilioError(error, whatsappReason);
}
