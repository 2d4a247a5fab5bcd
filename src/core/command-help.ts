import { kindsOf } from "./command-parser.js";
import type { ChannelRegistry } from "./ports.js";

/** How to send an approved template, for channels that have them; null when none does. */
export function templateHelp(channels: ChannelRegistry): string | null {
  const withTemplates = kindsOf(channels)
    .map((kind) => channels[kind])
    .filter((channel) => channel.capabilities.templates);
  const [first] = withTemplates;
  if (!first?.capabilities.templates) return null;
  const labels = withTemplates.map((channel) => channel.label).join(", ");
  return `• In a ${labels} conversation's thread, reply \`template: ${first.capabilities.templates.idExample} Maya "Tuesday 3pm"\` to send an approved template (its variables {{1}}, {{2}}… in order; quotes keep spaces). Outside the 24-hour window it is the only thing ${labels} lets you send. (Slack doesn't pass slash commands typed in threads to apps, hence the reply.)`;
}

export function helpText(channels: ChannelRegistry): string {
  const examples = kindsOf(channels).map((kind) => channels[kind]);
  const template = templateHelp(channels);
  return [
    "*Threadline* turns customer conversations into threads in this channel. Run these in the channel to connect:",
    ...examples.map(
      (channel) =>
        `• \`/threadline connect ${channel.kind} ${channel.addressExample}\` — this channel receives that ${channel.label} inbox's conversations`,
    ),
    "• Connecting an inbox another channel has asks first, with a *Move it here* button, and tells that channel",
    "• `/threadline disconnect <number or page-id>` — stop receiving them here",
    "• `/threadline status` — what is connected here, who connected it and when, with open, closed and unassigned counts, and customer messages held back from Slack and why",
    "• `/threadline retry` — once the cause is fixed, post the customer messages held back from Slack, in order",
    "• `/threadline text +15557654321 Your table is ready` — write to a customer first from this channel's number (add `from <number>` after theirs when there are several; where only a template may start a conversation, write `template: <id> [variables…]` as the message); the conversation gets a thread here and their answer lands in it",
    ...(template ? [template] : []),
    "• `/threadline find <words | name | number>` — the 10 most recent conversations here whose messages or contact match (up to 6 words, of two letters or more), with links to their threads",
    "• `/threadline hours Mon-Fri 09:00-17:00 America/New_York` — this channel's business hours (days like `Mon,Wed,Fri` or `Sat`, one time range, an IANA time zone or `UTC`); `/threadline hours` shows them and whether you are open now, `hours off` is always open",
    "• `/threadline away We're closed; we answer from 9am.` — sent once per closed period to a customer who writes while you are closed (`away off` stops it); `/threadline sla 15m` — a nudge in the thread when a customer has waited that long in business hours (`sla off` stops it). Replies typed while closed go out at once",
    "• `/threadline forget <customer's number or user id>` — erase everything Threadline keeps about that customer, in every inbox, after you confirm; the channel is told who erased whom",
    "• `/threadline help` — this help",
    "Reply in a conversation's thread to answer the customer; start with `note:` to keep a message internal. Sent messages can't be edited or unsent: once a reply is sent, send a correction as a new reply.",
    "On a conversation's first message, react with :eyes: to take it or :white_check_mark: to close it; its ⋯ menu sets a reminder. Threadline's *Home* tab lists your conversations and reminders.",
  ].join("\n");
}
