import type { AcceptedPart, OutboundRequest, ReplyPart } from "../../core/ports.js";
import { splitText } from "../split-text.js";
import type { TwilioClient } from "../twilio/client.js";
import { classifyTwilioError } from "./errors.js";

/** Twilio refuses bodies over 1600 characters (error 21617); longer replies go out as consecutive parts. */
export const smsBodyLimit = 1600;

/** A long text in consecutive messages; the files ride on the first (an MMS). */
export function smsReplyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
  return splitText(text, smsBodyLimit).map((body, index) => ({
    index,
    text: body,
    media: index === 0 ? media : [],
  }));
}

export function createSmsSender(client: TwilioClient, statusCallbackUrl: string) {
  return async function send(
    request: OutboundRequest,
    accepted: (part: AcceptedPart) => Promise<void>,
  ): Promise<void> {
    for (const part of request.parts) {
      let sid: string;
      try {
        const sent = await client.messages.create({
          from: request.inboxAddress,
          to: request.contactAddress,
          ...(part.text ? { body: part.text } : {}),
          ...(part.media.length > 0 ? { mediaUrl: part.media.map((file) => file.publicUrl) } : {}),
          statusCallback: statusCallbackUrl,
        });
        sid = sent.sid;
      } catch (error) {
        throw classifyTwilioError(error);
      }
      await accepted({ index: part.index, providerMessageId: sid, status: "queued" });
    }
  };
}

/** Twilio has no idempotency key for sends; its message log is the record of what already went out. */
export function createSmsSentFinder(client: TwilioClient) {
  return async function findSent(request: OutboundRequest, since: Date): Promise<AcceptedPart[]> {
    try {
      const recent = await client.messages.list({
        from: request.inboxAddress,
        to: request.contactAddress,
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
      throw classifyTwilioError(error);
    }
  };
}
