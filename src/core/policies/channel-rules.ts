import type { ChannelCapabilities, CustomerChannel } from "../ports/channel.js";
import { optOutRequest } from "./opt-out-request.js";

/**
 * A customer's message that opts them out of (or back into) messages from the inbox. `confirmation`: the text the
 * app sends the customer, when the provider did not see a keyword and so neither blocks nor confirms.
 */
export interface OptInChange {
  readonly change: "opt_out" | "opt_in";
  readonly confirmation: string | null;
}

/**
 * Whether a customer's message opts them out of (or back into) messages from the inbox: a message that is one of
 * the channel's words as a whole, in any case ("STOP please" is not), and, on channels that honour them, the
 * plain-language requests of `optOutRequest` ("stop texting me", "OPT OUT").
 */
export function optInChange(capabilities: ChannelCapabilities, text: string): OptInChange | null {
  const word = text.trim().toUpperCase();
  if (capabilities.optOutWords.includes(word)) return { change: "opt_out", confirmation: null };
  if (capabilities.optInWords.includes(word)) return { change: "opt_in", confirmation: null };
  if (capabilities.honoursOptOutRequests && optOutRequest(text)) {
    return { change: "opt_out", confirmation: optOutConfirmation(capabilities) };
  }
  return null;
}

/** The one text a customer who asked in their own words gets: what happened and how to undo it. */
export function optOutConfirmation(capabilities: ChannelCapabilities): string {
  const [start] = capabilities.optInWords;
  return `You have been unsubscribed and will receive no more messages from this number.${start ? ` Reply ${start} to resubscribe.` : ""}`;
}

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** Why the channel can't carry this file to the customer, or null when it can. */
export function mediaRefusal(
  channel: Pick<CustomerChannel, "label" | "capabilities">,
  file: { contentType: string; size: number },
): string | null {
  const { types, typesInWords, maxBytes } = channel.capabilities.media;
  if (types !== "any" && !types.includes(file.contentType)) {
    return `${channel.label} can carry only ${typesInWords}, not ${file.contentType || "this file type"}`;
  }
  if (file.size > maxBytes) return `${channel.label} can carry ${typesInWords} up to ${megabytes(maxBytes)}`;
  return null;
}

/** How the agent is told a customer opted out, in the channel's own words (e.g. "texted STOP"). */
export function optedOutReason(capabilities: ChannelCapabilities): string {
  const [stop] = capabilities.optOutWords;
  const [start] = capabilities.optInWords;
  return stop && start
    ? `the customer has opted out of this number (texted ${stop}). They need to text ${start} to it before they can receive messages.`
    : "the customer has opted out of messages from this inbox. They need to opt back in before they can receive messages.";
}
