import type { DeliveryError } from "../../core/errors.js";
import type { AcceptedPart, OutboundPart, OutboundRequest } from "../../core/ports/channel.js";
import type { TwilioClient } from "./client.js";

type CreateOptions = Parameters<TwilioClient["messages"]["create"]>[0];

/** What one Twilio channel changes in a send: how it writes addresses, what a part carries, how errors read. */
export interface TwilioSending {
  readonly address: (e164: string) => string;
  readonly content: (part: OutboundPart, request: OutboundRequest) => Partial<CreateOptions>;
  readonly classify: (error: unknown) => DeliveryError;
}

/** A part's text and files, as Body and MediaUrl. */
export function textAndMedia(part: OutboundPart): Partial<CreateOptions> {
  return {
    ...(part.text ? { body: part.text } : {}),
    ...(part.media.length > 0 ? { mediaUrl: part.media.map((file) => file.publicUrl) } : {}),
  };
}

/** Sends the parts one after the other, each recorded as Twilio accepts it. */
export function createTwilioSender(client: TwilioClient, statusCallbackUrl: string, sending: TwilioSending) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      let sid: string;
      try {
        const sent = await client.messages.create({
          from: sending.address(request.inboxAddress),
          to: sending.address(request.contactAddress),
          ...sending.content(part, request),
          statusCallback: statusCallbackUrl,
        });
        sid = sent.sid;
      } catch (error) {
        throw sending.classify(error);
      }
      await accepted({ index: part.index, providerMessageId: sid, status: "queued" });
    }
  };
}

/**
 * Twilio has no idempotency key for sends; its message log is the record of what already went out: the parts
 * whose text a message sent since `since` carries, between the same two addresses.
 */
export function createTwilioSentFinder(client: TwilioClient, sending: TwilioSending) {
  return async function findSent(request: OutboundRequest, since: Date): Promise<AcceptedPart[]> {
    try {
      const recent = await client.messages.list({
        from: sending.address(request.inboxAddress),
        to: sending.address(request.contactAddress),
        limit: 50,
      });
      // Oldest first, so an earlier attempt's message is the first candidate of its part.
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
      throw sending.classify(error);
    }
  };
}
