// `/threadline status`: the inboxes connected to the channel, their conversations and what waits to be posted.
import type { HeldMessageCommands } from "../held-messages.js";
import type { Inbox } from "../model.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { ConversationStore } from "../ports/store.js";
import type { CommandContext } from "./command-types.js";

/** A date Slack shows in each reader's time zone, with a UTC fallback for clients that can't. */
function slackDate(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

export function connectedByLine(inbox: Inbox): string {
  const by = inbox.connectedBy ? ` by <@${inbox.connectedBy}>` : "";
  // Slack writes the day as "today", "yesterday" or "Mar 3, 2026": no "on" before it ("on today" was wrong).
  const at = inbox.connectedAt ? ` ${slackDate(inbox.connectedAt)}` : "";
  return by || at ? `connected${by}${at}` : "";
}

export async function inboxStatus(
  store: ConversationStore,
  channels: ChannelRegistry,
  held: HeldMessageCommands,
  context: CommandContext,
): Promise<string> {
  const inboxes = await store.inboxesForChannel(context.channelId);
  if (inboxes.length === 0) {
    return "Nothing is connected to this channel yet. Connect an inbox with `/threadline connect <channel> <address>`; `/threadline help` lists the channels.";
  }
  const lines = await Promise.all(
    inboxes.map(async (inbox) => {
      const channel = channels[inbox.kind];
      const [counts, waiting, heldNote] = await Promise.all([
        store.countsForInbox(inbox.id),
        store.waitingMessageCount(inbox.id),
        held.statusNote(inbox),
      ]);
      const disabled = channel.enabled
        ? ""
        : " — ⚠️ not configured on the server, nothing is sent or received";
      const heldLine =
        heldNote ||
        (waiting > 0 ? ` — ${waiting} message${waiting === 1 ? "" : "s"} on the way to Slack` : "");
      const by = connectedByLine(inbox);
      return `• ${channel.label} ${channel.formatAddress(inbox.address)}: ${counts.open} open (${counts.unassigned} unassigned), ${counts.closed} closed${by ? ` — ${by}` : ""}${disabled}${heldLine}`;
    }),
  );
  return ["*Connected to this channel*", ...lines].join("\n");
}
