import type { InboxPolicy } from "./inbox-policy.js";
import { leftThreadReason } from "./inbox-policy.js";
import type { ChannelMembership } from "./membership.js";
import type { Contact, ConversationContext } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";
import type { Snippet, SnippetStore } from "./ports/snippets.js";
import type { ConversationStore } from "./ports/store.js";
import {
  fillSnippet,
  type SavedReplyRequest,
  type SnippetCommand,
  snippetVariables,
} from "./snippet-text.js";
import { mrkdwnToPlainText } from "./text.js";

const managing = "add or remove saved replies";

/**
 * A channel's saved replies: `/threadline snippet …` manages them, `;name` in a thread sends one. With admins
 * configured only they may add or remove them (a saved reply speaks for the business to every customer of the
 * channel); otherwise anyone in the channel may. Anyone in the channel may list and use them.
 */
export class SavedReplies {
  constructor(
    private readonly snippets: SnippetStore,
    private readonly slack: SlackPort,
    private readonly policy: InboxPolicy,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
  ) {}

  async run(
    command: SnippetCommand,
    context: { readonly channelId: string; readonly userId: string },
  ): Promise<string> {
    if (command.action === "list") return this.list(context.channelId);
    const refusal =
      this.policy.refusal(context.userId, managing) ??
      (await this.membership.refusal(context.userId, context.channelId, managing));
    if (refusal) {
      this.logger.warn(
        { ...context, action: command.action, name: command.name },
        "saved reply change refused",
      );
      return `${refusal} Nothing was changed.`;
    }
    if (command.action === "remove") {
      const removed = await this.snippets.remove(context.channelId, command.name);
      this.logger.info({ ...context, name: command.name, removed }, "saved reply removed");
      return removed
        ? `Removed the saved reply \`${command.name}\`.`
        : `There is no saved reply \`${command.name}\` in this channel. \`/threadline snippets\` lists them.`;
    }
    const saved = await this.snippets.save({
      slackChannelId: context.channelId,
      name: command.name,
      body: command.body,
      createdBy: context.userId,
      createdAt: new Date(this.now()),
    });
    this.logger.info({ ...context, name: command.name, saved }, "saved reply saved");
    return `${saved === "created" ? "Saved" : "Replaced"} \`${command.name}\`. In a conversation's thread, reply \`;${command.name}\` to send it (text after the name is added at the end):\n${quoted(command.body)}`;
  }

  private async list(channelId: string): Promise<string> {
    const snippets = await this.snippets.list(channelId);
    const variables = Object.entries(snippetVariables)
      .map(([variable, meaning]) => `\`{${variable}}\` ${meaning}`)
      .join(", ");
    if (snippets.length === 0) {
      return `This channel has no saved replies yet. Add one: \`/threadline snippet add hours Hi {first_name}, we're open 9am–5pm.\` (variables: ${variables}).`;
    }
    return [
      `*Saved replies of this channel* — reply \`;name\` in a conversation's thread to send one:`,
      ...snippets.map((snippet) => `• \`;${snippet.name}\` — ${snippet.body.replace(/\s+/g, " ")}`),
      `Variables: ${variables}.`,
    ].join("\n");
  }

  /**
   * The text a `;name` reply sends: the channel's saved reply with its variables filled, then what was typed
   * after the name. A refusal (no such saved reply) is told to the writer; nothing is sent then.
   */
  async expand(
    request: SavedReplyRequest,
    place: { readonly channelId: string; readonly userId: string; readonly contact: Contact },
  ): Promise<{ readonly text: string } | { readonly refused: string }> {
    const snippet = await this.snippets.find(place.channelId, request.name);
    if (!snippet) {
      this.logger.warn(
        { channel: place.channelId, user: place.userId, name: request.name },
        "unknown saved reply",
      );
      return {
        refused: `Not sent to the customer: there is no saved reply \`${request.name}\` in this channel. \`/threadline snippets\` lists them.`,
      };
    }
    const agentName = await this.slack.userDisplayName(place.userId);
    const text = fillSnippet(snippet.body, { customerName: place.contact.displayName, agentName });
    return { text: `${text}${request.appended}` };
  }
}

/** Where the saved-reply form was opened: the conversation's thread, and who opened it. */
export interface FormPlace {
  readonly channelId: string;
  readonly threadTs: string;
  readonly userId: string;
}

type Refused = { readonly refused: string };

/**
 * The parent's shortcut "Reply with a saved reply": a form to pick one of the channel's saved replies, edit the
 * filled-in text and send it. Every step checks again that the place is a live conversation the person may
 * answer (a shortcut can be used by anyone who can see the message).
 */
export class SavedReplyForm {
  constructor(
    private readonly savedReplies: SavedReplies,
    private readonly store: ConversationStore,
    private readonly snippets: SnippetStore,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
  ) {}

  /** The channel's saved replies to pick from, or why the form can't be used here. */
  async offer(place: FormPlace): Promise<{ readonly snippets: readonly Snippet[] } | Refused> {
    const checked = await this.check(place);
    if ("refused" in checked) return checked;
    const snippets = await this.snippets.list(place.channelId);
    if (snippets.length === 0) {
      return {
        refused:
          "This channel has no saved replies yet. Add one with `/threadline snippet add hours Hi {first_name}, we're open 9am–5pm.`",
      };
    }
    return { snippets };
  }

  /** The saved reply `name` filled in for this conversation, as plain text for the form's text box. */
  async text(place: FormPlace, name: string): Promise<{ readonly text: string } | Refused> {
    const checked = await this.check(place);
    if ("refused" in checked) return checked;
    const expanded = await this.savedReplies.expand(
      { name, appended: "" },
      { ...place, contact: checked.context.contact },
    );
    return "refused" in expanded ? expanded : { text: mrkdwnToPlainText(expanded.text, new Map()) };
  }

  /** Null when the person may send from this form now, else why not. */
  async senderRefusal(place: FormPlace): Promise<string | null> {
    const checked = await this.check(place);
    return "refused" in checked ? checked.refused : null;
  }

  private async check(place: FormPlace): Promise<{ readonly context: ConversationContext } | Refused> {
    const refuse = (refused: string): Refused => {
      this.logger.warn({ ...place, reason: refused }, "saved-reply form refused");
      return { refused };
    };
    const context = await this.store.conversationByThread(place.channelId, place.threadTs);
    if (!context) {
      return refuse(
        "This message is not a Threadline conversation. Use the shortcut on a conversation's first message.",
      );
    }
    const outsider = await this.membership.refusal(place.userId, place.channelId, "reply to its customers");
    if (outsider) return refuse(`${outsider} Nothing was sent.`);
    const left = leftThreadReason(context, place);
    if (left) return refuse(`Not sent to the customer: ${left}`);
    return { context };
  }
}

/** Text as a Slack quote, line by line. */
export const quoted = (text: string) => text.replace(/^/gm, "> ");
