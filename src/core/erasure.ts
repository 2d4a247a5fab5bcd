import { kindsOf } from "./command-parser.js";
import type { InboxPolicy } from "./inbox-policy.js";
import { channelLane } from "./lanes.js";
import type { ChannelRegistry, ContactKey, ConversationStore, CoreLogger, Erasure } from "./ports.js";

/** Erasing a customer, offered by `/threadline forget` and done when its button is clicked. */
export interface ForgetRequest {
  /** The number or id as typed; read again when the button is clicked. */
  readonly contact: string;
  /** The channel the command was typed in: the button works there only. */
  readonly channelId: string;
}

const erasing = "erase a customer's data";
const usage =
  "`/threadline forget +15557654321` (a phone number) or `/threadline forget <Messenger user id>`";

/** The customers an agent's text names: its address on every channel that can read it. */
function contactsNamed(
  text: string,
  channels: ChannelRegistry,
): { keys: ContactKey[]; shown: string } | null {
  const keys = kindsOf(channels).flatMap((kind): ContactKey[] => {
    const channel = channels[kind];
    const address = channel.parseContactAddress?.(text) ?? channel.parseInboxAddress(text);
    return address ? [{ kind, address }] : [];
  });
  const [first] = keys;
  return first ? { keys, shown: channels[first.kind].formatAddress(first.address) } : null;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * `/threadline forget`: erases everything Threadline keeps about one customer, in every inbox (conversations,
 * messages, files, pending jobs, the contact), after a confirmation. Each channel that had their conversations,
 * and the one it was typed in, gets one line saying who erased whom. Admins only, when THREADLINE_ADMINS is set.
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
      return { text: `\`${typed}\` is not a phone number or Messenger user id I can read. Use ${usage}.` };
    return {
      text: `Erase everything Threadline keeps about *${named.shown}*: their conversations in every inbox, with every message, file and pending reply? This can't be undone. Their threads in Slack are not deleted (delete them in Slack if they must go too).`,
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
    const erasure = await this.store.eraseContacts(named.keys, (erased) =>
      [...new Set([context.channelId, ...erased.channelIds])].map((channelId) => ({
        lane: channelLane(channelId),
        kind: "slack.channelNotice",
        payload: { channelId, text: line(erased) },
      })),
    );
    const { conversations, messages, contacts } = erasure;
    this.logger.info({ ...context, contacts, conversations, messages }, "customer erased");
    if (contacts + conversations === 0)
      return `Threadline keeps nothing about ${named.shown}: nothing was erased.`;
    return `Erased ${named.shown}: ${plural(conversations, "conversation")} and ${plural(messages, "message")}. The channel has been told.`;
  }
}
