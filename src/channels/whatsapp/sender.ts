import type {
  AcceptedPart,
  OutboundPart,
  OutboundRequest,
  ReplyPart,
  TemplateRequest,
} from "../../core/ports.js";
import { splitText } from "../split-text.js";
import type { TwilioClient } from "../twilio/client.js";
import { toWhatsAppAddress } from "./address.js";
import { classifyWhatsAppError } from "./errors.js";

/** Twilio's Body limit holds for WhatsApp too (error 21617 above it); longer replies go out in parts. */
export const whatsappBodyLimit = 1600;

/** WhatsApp carries one file per message: the first rides with the first text part, the others alone after. */
export function whatsappReplyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
  const texts = text ? splitText(text, whatsappBodyLimit) : [""];
  const [first, ...rest] = media;
  return [
    ...texts.map((body, index) => ({ index, text: body, media: index === 0 && first ? [first] : [] })),
    ...rest.map((file, offset) => ({ index: texts.length + offset, text: "", media: [file] })),
  ];
}

/**
 * A template's variables as Twilio's ContentVariables: a JSON object whose keys are the placeholders' numbers
 * as strings ({{1}}, {{2}}…), in the order the agent gave them.
 */
export function contentVariables(template: TemplateRequest): string | undefined {
  if (template.variables.length === 0) return undefined;
  return JSON.stringify(
    Object.fromEntries(template.variables.map((value, index) => [String(index + 1), value])),
  );
}

function contentOf(part: OutboundPart, template: TemplateRequest | null) {
  if (template) {
    const variables = contentVariables(template);
    return { contentSid: template.id, ...(variables ? { contentVariables: variables } : {}) };
  }
  return {
    ...(part.text ? { body: part.text } : {}),
    ...(part.media.length > 0 ? { mediaUrl: part.media.map((file) => file.publicUrl) } : {}),
  };
}

export function createWhatsAppSender(client: TwilioClient, statusCallbackUrl: string) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      let sid: string;
      try {
        const sent = await client.messages.create({
          from: toWhatsAppAddress(request.inboxAddress),
          to: toWhatsAppAddress(request.contactAddress),
          ...contentOf(part, request.template),
          statusCallback: statusCallbackUrl,
        });
        sid = sent.sid;
      } catch (error) {
        throw classifyWhatsAppError(error);
      }
      await accepted({ index: part.index, providerMessageId: sid, status: "queued" });
    }
  };
}

/**
 * Twilio's message log is the record of what went out (no idempotency key). Free text is matched by body; a
 * template's logged body is the rendered template, which only Twilio knows, so a template is never matched and
 * an uncertain attempt sends it again.
 */
export function createWhatsAppSentFinder(client: TwilioClient) {
  return async function findSent(request: OutboundRequest, since: Date): Promise<AcceptedPart[]> {
    if (request.template) return [];
    try {
      const recent = await client.messages.list({
        from: toWhatsAppAddress(request.inboxAddress),
        to: toWhatsAppAddress(request.contactAddress),
        limit: 50,
      });
      return recent
        .filter((message) => message.dateCreated.getTime() >= since.getTime() - 1000) // whole seconds
        .reverse()
        .flatMap((message) =>
          request.parts
            .filter((part) => part.text === (message.body ?? ""))
            .map((part) => ({
              index: part.index,
              providerMessageId: message.sid,
              status: "queued" as const,
            })),
        );
    } catch (error) {
      throw classifyWhatsAppError(error);
    }
  };
}
