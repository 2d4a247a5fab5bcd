import { z } from "zod";
import type { Attachment, InboundMessage } from "../../core/model.js";
import type { FormBody } from "./receiver.js";

/* The incoming-message parameters every Twilio channel shares (SMS, MMS, WhatsApp). */

export const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "MessageSid is not a Twilio message sid"),
  From: z.string().min(1, "From is missing"),
  To: z.string().min(1, "To is missing"),
  Body: z.string().default(""),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  OptOutType: z.string().optional(),
});

/**
 * With Advanced Opt-Out (a Messaging Service), Twilio names the keyword class a message matched, custom and
 * translated keywords included. Without it the parameter is absent and each channel's default words apply.
 */
const optOutTypes: Partial<Record<string, InboundMessage["keyword"]>> = {
  STOP: "opt_out",
  START: "opt_in",
  HELP: "help",
};

export function keywordOf(optOutType: string | undefined): InboundMessage["keyword"] {
  return optOutType === undefined ? undefined : optOutTypes[optOutType.toUpperCase()];
}

/** `MediaUrl{N}` and `MediaContentType{N}`, N from 0 (Twilio's incoming-message parameters). */
export function attachmentsOf(body: FormBody, count: number): Attachment[] {
  const attachments: Attachment[] = [];
  for (let index = 0; index < count; index++) {
    const url = body[`MediaUrl${index}`];
    if (url) attachments.push({ url, contentType: body[`MediaContentType${index}`] });
  }
  return attachments;
}
