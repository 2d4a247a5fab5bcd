import type { ReplyPart } from "../../core/ports/channel.js";
import { splitText } from "../split-text.js";
import type { TwilioClient } from "../twilio/client.js";
import { classifyTwilioError } from "../twilio/errors.js";
import {
  createTwilioSender,
  createTwilioSentFinder,
  type TwilioSending,
  textAndMedia,
} from "../twilio/sending.js";

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

const smsSending: TwilioSending = {
  address: (e164) => e164,
  content: textAndMedia,
  classify: (error) => classifyTwilioError(error),
};

export function createSmsSender(client: TwilioClient, statusCallbackUrl: string) {
  return createTwilioSender(client, statusCallbackUrl, smsSending);
}

export function createSmsSentFinder(client: TwilioClient) {
  return createTwilioSentFinder(client, smsSending);
}
