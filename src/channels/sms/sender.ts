import type { OutboundRequest, OutboundResult } from "../../core/ports.js";
import { splitText } from "../split-text.js";
import { classifyTwilioError } from "./errors.js";
import type { TwilioClient } from "./twilio-client.js";

/** Twilio refuses bodies over 1600 characters (error 21617); longer replies go out as consecutive parts. */
export const smsBodyLimit = 1600;

export function createSmsSender(client: TwilioClient, statusCallbackUrl: string) {
  return async function send(request: OutboundRequest): Promise<OutboundResult> {
    const parts = splitText(request.text, smsBodyLimit);
    const ids: string[] = [];
    for (const [index, body] of parts.entries()) {
      const media = index === 0 ? request.media.map((file) => file.publicUrl) : [];
      try {
        const sent = await client.messages.create({
          from: request.inboxAddress,
          to: request.contactAddress,
          ...(body ? { body } : {}),
          ...(media.length > 0 ? { mediaUrl: media } : {}),
          statusCallback: statusCallbackUrl,
        });
        ids.push(sent.sid);
      } catch (error) {
        throw classifyTwilioError(error);
      }
    }
    return { providerMessageIds: ids, status: "queued" };
  };
}

/** Twilio has no idempotency key for sends; its message log is the record of what already went out. */
export function createSmsSentFinder(client: TwilioClient) {
  return async function findSent(request: OutboundRequest, since: Date): Promise<string[]> {
    try {
      const recent = await client.messages.list({
        from: request.inboxAddress,
        to: request.contactAddress,
        limit: 20,
      });
      const parts = new Set(splitText(request.text, smsBodyLimit));
      return (
        recent
          // Twilio's timestamps have whole seconds.
          .filter(
            (message) => parts.has(message.body) && message.dateCreated.getTime() >= since.getTime() - 1000,
          )
          .map((message) => message.sid)
      );
    } catch (error) {
      throw classifyTwilioError(error);
    }
  };
}
