import type { InboundMessage } from "../../core/model.js";
import { attachmentsOf, inboundSchema, keywordOf } from "../twilio/inbound.js";
import { parsePhoneNumber } from "../twilio/phone.js";
import type { FormBody } from "../twilio/receiver.js";

export function parseInbound(body: FormBody, receivedAt = new Date()): InboundMessage | { problem: string } {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { MessageSid, From, To, Body, NumMedia, OptOutType } = parsed.data;
  const contactAddress = parsePhoneNumber(From) ?? From;
  const inboxAddress = parsePhoneNumber(To);
  if (!inboxAddress) return { problem: `To is not a phone number: ${To}` };
  return {
    kind: "sms",
    inboxAddress,
    contactAddress,
    providerMessageId: MessageSid,
    text: Body,
    attachments: attachmentsOf(body, NumMedia),
    receivedAt,
    keyword: keywordOf(OptOutType),
  };
}
