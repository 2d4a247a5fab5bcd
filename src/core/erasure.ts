import { kindsOf } from "./command-help.js";
import type { InboxPolicy } from "./inbox-policy.js";
import { channelLane } from "./lane-names.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { NewJob } from "./ports/queue.js";
import type { ContactKey, ConversationStore, Erasure } from "./ports/store.js";

/** Erasing a customer, offered by `/threadline forget` and done when its button is clicked. */
export interface ForgetRequest {
  /** The number or id as typed; read again when the button is clicked. */
  readonly contact: string;
  /** The channel the command was typed in: the button works there only. */
  readonly channelId: string;
}

const erasing = "erase a customer's data";
const usage =
  "`/threadline forget +15557654321` (the customer's number, or the user id their channel gives them)";

/** The customers an agent's text names: its address on every channel that can read it. */
function contactsNamed(
  text: string,
  channels: ChannelRegistry,
): { keys: ContactKey[]; shown: string } | null {
  const keys = kindsOf(channels).flatMap((kind): ContactKey[] => {
    const channel = channels[kind];
    const address = channel.parseCustomerAddress
      ? channel.parseCustomerAddress(text)
      : (channel.parseContactAddress?.(text) ?? channel.parseInboxAddress(text));
    return address ? [{ kind, address }] : [];
  });
  const [first] = keys;
  return first ? { keys, shown: channels[first.kind].formatAddress(first.address) } : null;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * `/threadline forget`: erases everything Threadline keeps about one customer, in every inbox (conversations,
 * messages, files, scheduled messages, pending jobs, the contact with its tags and places in campaigns), in one
 * transaction, after a confirmation. Each channel that had their conversations,
 * and the one it was typed in, gets one line saying who erased whom; the app's own posts that showed them
 * (parents, their messages) are replaced by a note, as Slack lets an app change only its own messages. Admins only, when THREADLINE_ADMINS is set.
 */
export class ContactEraser {
  constructor(
    private readonly store: Pick<ConversationStore, "eraseContacts">,
    private readonly channels: ChannelRegistry,
    private readonly policy: InboxPolicy,
    private readonly logger: CoreLogger,
  ) {}

  /** The confirmation to show, or the reason nothing can be erased. */
  offer(
    text: string,
    context: { channelId: string; userId: string },
  ): { text: string; forgetOffer?: ForgetRequest } {
    const refused = this.policy.refusal(context.userId, erasing);
    if (refused) {
      this.logger.warn(context, "erasure refused: not an admin");
      return { text: refused };
    }
    const typed = text.trim();
    if (!typed) return { text: `Say whose data to erase: ${usage}.` };
    const named = contactsNamed(typed, this.channels);
    if (!named)
      return { text: `\`${typed}\` is not a customer's number or user id I can read. Use ${usage}.` };
    return {
      text: `Erase everything Threadline keeps about *${named.shown}*: their conversations in every inbox, with every message, file and pending reply? This can't be undone. Threadline's own posts about them in Slack (thread starts, their messages) are replaced by a note; your team's replies stay in Slack (delete them there if they must go too).`,
      forgetOffer: { contact: typed, channelId: context.channelId },
    };
  }

  /** The "Erase" button was clicked: everything is checked again, then the customer is erased. */
  async confirm(request: ForgetRequest, context: { channelId: string; userId: string }): Promise<string> {
    if (request.channelId !== context.channelId) {
      return `This button was offered in <#${request.channelId}>, so nothing was erased here.`;
    }
    const refused = this.policy.refusal(context.userId, erasing);
    if (refused) return refused;
    const named = contactsNamed(request.contact, this.channels);
    if (!named) return "This button does not name a customer Threadline can read, so nothing was erased.";
    const line = (erasure: Erasure) =>
      `<@${context.userId}> erased everything Threadline kept about ${named.shown} (${plural(erasure.conversations, "conversation")}, ${plural(erasure.messages, "message")}).`;
    const erasure = await this.store.eraseContacts(named.keys, (erased) => [
      ...[...new Set([context.channelId, ...erased.channelIds])].map(
        (channelId): NewJob => ({
          lane: channelLane(channelId),
          kind: "slack.channelNotice",
          payload: { channelId, text: line(erased) },
        }),
      ),
      ...[...new Set(erased.posts.map((post) => post.channelId))].map(
        (channelId): NewJob => ({
          lane: channelLane(channelId),
          kind: "slack.erasePosts",
          payload: {
            channelId,
            ts: erased.posts.filter((post) => post.channelId === channelId).map((post) => post.ts),
            text: `_Erased by <@${context.userId}>._`,
          },
        }),
      ),
    ]);
    const { conversations, messages, contacts } = erasure;
    this.logger.info({ ...context, contacts, conversations, messages }, "customer erased");
    if (contacts + conversations === 0)
      return `Threadline keeps nothing about ${named.shown}: nothing was erased.`;
    return `Erased ${named.shown}: ${plural(conversations, "conversation")} and ${plural(messages, "message")}. The channel has been told.`;
  }
}
