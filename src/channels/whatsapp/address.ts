import { parsePhoneNumber } from "../twilio/phone.js";

/** Twilio writes WhatsApp addresses as the phone number behind this prefix: `whatsapp:+15551234567`. */
export const whatsappPrefix = "whatsapp:";

export function toWhatsAppAddress(e164: string): string {
  return `${whatsappPrefix}${e164}`;
}

/** An agent may type the sender's number with or without the prefix; stored as the E.164 number. */
export function parseWhatsAppNumber(input: string): string | null {
  const trimmed = input.trim();
  const number = trimmed.toLowerCase().startsWith(whatsappPrefix)
    ? trimmed.slice(whatsappPrefix.length)
    : trimmed;
  return parsePhoneNumber(number);
}
