import type { ChannelKind } from "./model.js";
import type { ChannelRegistry } from "./ports/channel.js";

/** The channels are the registry's keys: the core never lists them itself. */
export const kindsOf = (channels: ChannelRegistry) => Object.keys(channels) as ChannelKind[];

/** A channel's address example is the address, then what it is in brackets: the address alone goes in a command. */
export function exampleAddress(addressExample: string): { address: string; note: string } {
  const [address = "", ...note] = addressExample.split(" ");
  return { address, note: note.length > 0 ? ` ${note.join(" ")}` : "" };
}

/** One working example of each subcommand, for answers to a mistake. */
export function commandExamples(channels: ChannelRegistry): Readonly<Record<string, string>> {
  const [first] = kindsOf(channels).map((kind) => channels[kind]);
  const inbox = first
    ? `${first.kind} ${exampleAddress(first.addressExample).address}`
    : "<channel> <address>";
  return {
    connect: `/threadline connect ${inbox}`,
    disconnect: `/threadline disconnect ${inbox.split(" ")[1]}`,
    status: "/threadline status",
    text: "/threadline text +15557654321 Your table is ready",
    find: "/threadline find refund",
    hours: "/threadline hours Mon-Fri 09:00-17:00 America/New_York",
    away: "/threadline away We're closed; we answer from 9am.",
    sla: "/threadline sla 15m",
    autoassign: "/threadline autoassign @ana @ben",
    pause: "/threadline pause",
    csat: "/threadline csat on",
    report: "/threadline report 7d",
    resume: "/threadline resume",
    template: "/threadline template",
    snippet: "/threadline snippet add hours Hi {first_name}, we're open 9am–5pm.",
    snippets: "/threadline snippets",
    tag: "/threadline tag +15557654321 vip",
    untag: "/threadline untag +15557654321 vip",
    campaign: "/threadline campaign #vip Our spring sale starts today!",
    help: "/threadline help",
  };
}

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

/** Every command, grouped by what it is about: the channel's inboxes, its conversations, the team's settings. */
export function helpText(channels: ChannelRegistry): string {
  const examples = kindsOf(channels).map((kind) => channels[kind]);
  const template = templateHelp(channels);
  return [
    "*Threadline* turns customer conversations into threads in this channel.",
    "",
    "*Inboxes*",
    "• `/threadline connect <channel> <address>` — this channel receives that inbox's conversations (an inbox another channel has moves here once you confirm):",
    ...examples.map((channel) => {
      const { address, note } = exampleAddress(channel.addressExample);
      return `    \`/threadline connect ${channel.kind} ${address}\`${note}`;
    }),
    "• `/threadline disconnect <number or page-id>` — stop receiving them here",
    "• `/threadline status` — what is connected here, by whom and when, with open, closed and unassigned counts, and customer messages held back from Slack and why",
    "• `/threadline retry` — once the cause is fixed, post the customer messages held back from Slack, in order",
    "",
    "*Conversations*",
    "• Reply in a conversation's thread to answer the customer; start with `note:` to keep it internal. Sent replies can't be edited or unsent: send a correction as a new reply.",
    "• `/threadline text +15557654321 Your table is ready` — write to a customer first (`from <number>` after theirs picks the sending number); their answer lands in the new thread",
    ...(template ? [template] : []),
    "• `/threadline snippet add <name> <text>` — a saved reply of this channel (`{first_name}`, `{name}`, `{agent}` are filled in); reply `;name` in a thread to send it, with any text after the name added at the end. `/threadline snippets` lists them, `snippet remove <name>` removes one",
    "• In a thread, `later tomorrow 9am: …` (`9am`, `Mon 09:00`, `in 2h`, `in 30m`) sends the reply at that time in your time zone; its line has a Cancel button",
    "• `/threadline find <words | name | number>` — the 10 most recent matching conversations here (up to 6 words of two letters or more), with links",
    "• React :eyes: on a conversation's first message to take it, :white_check_mark: to close it; its ⋯ menu sets a reminder. The *Home* tab lists yours.",
    "• `tag: vip wholesale` / `untag: vip` in a thread, or `/threadline tag +15557654321 vip` here — label the customer (internal; the parent shows the tags)",
    "• `/threadline campaign <#tag | all> <message>` — one message to the tagged customers who have texted an inbox here (one that may write first) (`from <number>` after the audience picks the inbox); shows who it reaches and who is left out, then **Send** or **Cancel**",
    "• `/threadline forget <customer's number or user id>` — erase everything Threadline keeps about that customer, in every inbox, after you confirm; the channel is told who erased whom",
    "",
    "*Team settings*",
    "• `/threadline hours Mon-Fri 09:00-17:00 America/New_York` — business hours (`hours` shows them, `hours off` is always open)",
    "• `/threadline away We're closed; we answer from 9am.` — sent once per closed period to a customer who writes (`away off` stops it)",
    "• `/threadline sla 15m` — a nudge in the thread when a customer has waited that long in business hours (`sla off` stops it)",
    "• `/threadline autoassign @ana @ben` — new conversations go at once to whoever of them has the fewest open ones (`autoassign channel`: everyone here; `autoassign` shows it, `autoassign off` stops it); `/threadline pause` and `/threadline resume` take you out of the rotation and back",
    "• `/threadline report` — today's numbers here: conversations opened and closed, messages, first-response times, target breaches, per person, satisfaction (`report 7d`, `report 30d`; `report daily 09:00` posts the last 24 hours here every day, `report daily off` stops it)",
    '• `/threadline csat on` — when a conversation is closed, ask the customer "How did we do? Reply 1 (bad) to 5 (great)" (`csat <question>` changes it, `csat off` stops it)',
    "",
    "`/threadline help` shows this again.",
  ].join("\n");
}
