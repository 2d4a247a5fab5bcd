import { z } from "zod";
import type { InboundMessage } from "../../core/model.js";
import { attachmentsOf, inboundSchema, keywordOf } from "../twilio/inbound.js";
import type { FormBody } from "../twilio/receiver.js";
import { parseWhatsAppNumber, whatsappPrefix } from "./address.js";

/**
 * A WhatsApp message on Twilio's incoming-message webhook: the SMS parameters with `whatsapp:` addresses, plus
 * `ProfileName` (the name the customer set in WhatsApp, when WhatsApp gives it) and `WaId` (their WhatsApp id:
 * the number's digits, without the +).
 */
const whatsappSchema = inboundSchema.extend({
  From: z.string().startsWith(whatsappPrefix, "From is not a whatsapp: address"),
  To: z.string().startsWith(whatsappPrefix, "To is not a whatsapp: address"),
  ProfileName: z.string().optional(),
  WaId: z.string().optional(),
});

/** Profile names are the customer's own text: one line, and not longer than a name needs to be. */
function cleanName(name: string | undefined): string | undefined {
  const cleaned = name?.replace(/\s+/g, " ").trim().slice(0, 80);
  return cleaned ? cleaned : undefined;
}

export function parseWhatsAppInbound(
  body: FormBody,
  receivedAt = new Date(),
): InboundMessage | { problem: string } {
  const parsed = whatsappSchema.safeParse(body);
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { MessageSid, From, To, Body, NumMedia, OptOutType, ProfileName, WaId } = parsed.data;
  const contactAddress = parseWhatsAppNumber(From) ?? (WaId ? parseWhatsAppNumber(`+${WaId}`) : null);
  if (!contactAddress) return { problem: `From is not a WhatsApp number: ${From}` };
  const inboxAddress = parseWhatsAppNumber(To);
  if (!inboxAddress) return { problem: `To is not a WhatsApp number: ${To}` };
  return {
    kind: "whatsapp",
    inboxAddress,
    contactAddress,
    contactName: cleanName(ProfileName),
    providerMessageId: MessageSid,
    text: Body,
    attachments: attachmentsOf(body, NumMedia),
    receivedAt,
    keyword: keywordOf(OptOutType),
  };
}
