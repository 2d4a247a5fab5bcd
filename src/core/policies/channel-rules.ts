import type { ChannelCapabilities, CustomerChannel } from "../ports/channel.js";

/**
 * Whether a customer's message opts them out of (or back into) messages from the inbox: only a message that is
 * one of the channel's words as a whole, in any case, counts ("STOP please" does not).
 */
export function optInChange(capabilities: ChannelCapabilities, text: string): "opt_out" | "opt_in" | null {
  const word = text.trim().toUpperCase();
  if (capabilities.optOutWords.includes(word)) return "opt_out";
  if (capabilities.optInWords.includes(word)) return "opt_in";
  return null;
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
