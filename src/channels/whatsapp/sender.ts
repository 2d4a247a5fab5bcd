import type { AcceptedPart, OutboundRequest, ReplyPart, TemplateRequest } from "../../core/ports/channel.js";
import { splitText } from "../split-text.js";
import type { TwilioClient } from "../twilio/client.js";
import {
  createTwilioSender,
  createTwilioSentFinder,
  type TwilioSending,
  textAndMedia,
} from "../twilio/sending.js";
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

const whatsappSending: TwilioSending = {
  address: toWhatsAppAddress,
  content(part, request) {
    if (!request.template) return textAndMedia(part);
    const variables = contentVariables(request.template);
    return { contentSid: request.template.id, ...(variables ? { contentVariables: variables } : {}) };
  },
  classify: classifyWhatsAppError,
};

export function createWhatsAppSender(client: TwilioClient, statusCallbackUrl: string) {
  return createTwilioSender(client, statusCallbackUrl, whatsappSending);
}

/**
 * Free text is matched in Twilio's message log by body; a template's logged body is the rendered template,
 * which only Twilio knows, so a template is never matched and an uncertain attempt sends it again.
 */
export function createWhatsAppSentFinder(client: TwilioClient) {
  const findSent = createTwilioSentFinder(client, whatsappSending);
  return async (request: OutboundRequest, since: Date): Promise<AcceptedPart[]> =>
    request.template ? [] : findSent(request, since);
}
