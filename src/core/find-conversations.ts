import { contactName } from "./parent-view.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationMatch, ConversationStore } from "./ports/store.js";
import { maxSearchWords, searchText } from "./search-words.js";
import { escapeForSlack, mrkdwnToPlainText } from "./text.js";

export const findLimit = 10;
const snippetLength = 120;

/** One line of a message for a list: whitespace folded, cut at a word near `snippetLength`. */
function snippet(body: string): string {
  const folded = body.replace(/\s+/g, " ").trim();
  if (folded.length <= snippetLength) return folded;
  const cut = folded.slice(0, snippetLength);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), snippetLength / 2))}…`;
}

/** The `archives/<channel>/p<ts>` form Slack's clients open, for when chat.getPermalink gives nothing. */
export const archiveLink = (channelId: string, ts: string) =>
  `https://slack.com/archives/${channelId}/p${ts.replace(".", "")}`;

/**
 * `/threadline find`: the conversations of this channel's inboxes whose messages (full-text) or contact (name,
 * number) match, newest first, each with its status, assignee, a line of the matching message and a link to
 * its thread. Only this channel's inboxes are searched: a channel sees only the conversations it receives.
 */
export class ConversationFinder {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
  ) {}

  async find(text: string, context: { channelId: string; userId: string }): Promise<string> {
    // Slack sends the command's text as mrkdwn (`&amp;`, `<tel:…|…>`): searched as the agent read it.
    const words = mrkdwnToPlainText(text, new Map()).trim();
    if (!words)
      return "Say what to look for: words from the messages, a name or a number, e.g. `/threadline find refund`.";
    const searched = searchText(words);
    if (searched.given > maxSearchWords) {
      this.logger.info({ ...context, words: searched.given }, "search refused: too many words");
      return `Search with at most ${maxSearchWords} words (you gave ${searched.given}): the fewest that tell the conversation apart, e.g. \`/threadline find refund parcel\`.`;
    }
    if (searched.words.length === 0) {
      this.logger.info({ ...context, words: searched.given }, "search refused: words too short");
      return "Give words of at least two letters or digits: every word finds the words that start with it, so a single letter would find nearly everything. E.g. `/threadline find refund`.";
    }
    const inboxes = await this.store.inboxesForChannel(context.channelId);
    if (inboxes.length === 0) {
      return "Nothing is connected to this channel, so there are no conversations to search here.";
    }
    const matches = await this.store.findConversations(
      inboxes.map((inbox) => inbox.id),
      words,
      findLimit,
    );
    this.logger.info(
      { ...context, words: words.split(/\s+/).length, found: matches.length },
      "conversations searched",
    );
    const shown = `“${escapeForSlack(words)}”`;
    const leftOut =
      searched.tooShort.length > 0
        ? ` (left out, as shorter than two letters: ${searched.tooShort.map((word) => `“${escapeForSlack(word)}”`).join(", ")})`
        : "";
    if (matches.length === 0) return `No conversation in this channel's inboxes matches ${shown}${leftOut}.`;
    const lines = await Promise.all(matches.map((match) => this.line(match)));
    const more =
      matches.length === findLimit ? ` (the ${findLimit} most recent; add words to narrow it)` : "";
    return [`*Conversations matching ${shown}*${more}${leftOut}`, ...lines].join("\n");
  }

  private async line({ context, message }: ConversationMatch): Promise<string> {
    const { conversation, contact } = context;
    const channel = this.channels[context.inbox.kind];
    const name = escapeForSlack(contactName(context, channel));
    const address = channel.formatAddress(contact.address);
    const who = name === address ? `*${name}*` : `*${name}* (${address})`;
    const status = conversation.status === "closed" ? "closed" : "open";
    const assignee = conversation.assigneeId ? `assigned to <@${conversation.assigneeId}>` : "unassigned";
    const { slackChannelId, slackThreadTs } = conversation;
    const link =
      slackChannelId && slackThreadTs
        ? `<${(await this.slack.permalink(slackChannelId, slackThreadTs)) ?? archiveLink(slackChannelId, slackThreadTs)}|thread>`
        : "no thread yet";
    const said = message
      ? `\n    ${message.direction === "in" ? "Customer" : "Agent"}: ${escapeForSlack(snippet(message.body))}`
      : "";
    return `• ${who} · ${channel.label} · ${status} · ${assignee} · ${link}${said}`;
  }
}
