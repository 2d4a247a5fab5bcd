import { slackLane } from "../lane-names.js";
import type { ConversationContext } from "../model.js";
import type { ContactTags } from "../ports/campaigns.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { CoreLogger } from "../ports/logger.js";
import type { DeliveryQueue } from "../ports/queue.js";
import type { ConversationStore } from "../ports/store.js";

/** A tag is one short word: letters, digits, `-` and `_`; `#vip` and `VIP` are `vip`. */
const tagWord = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** What a thread reply asks of the contact's tags. */
export type TagRequest =
  | { readonly action: "tag" | "untag"; readonly tags: readonly string[] }
  | { readonly problem: string };

/**
 * `tag: vip wholesale` / `untag: vip` (in any case, emphasis allowed around the word, as for `note:`), or null
 * when the reply is not about tags.
 */
const tagReply = /^(?:[\s*_~])*(un)?tag[\s*_~]*:([\s\S]*)$/i;

/** The tags in the words, or why they are not tags. */
export function parseTags(
  words: string,
): { readonly tags: readonly string[] } | { readonly problem: string } {
  const given = words
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (given.length === 0) return { problem: "Name at least one tag, e.g. `tag: vip wholesale`." };
  const tags = given.map((word) => word.replace(/^#/, "").toLowerCase());
  const bad = given.filter((_, index) => !tagWord.test(tags[index] ?? ""));
  if (bad.length > 0) {
    return {
      problem: `${bad.map((word) => `\`${word}\``).join(", ")} can't be a tag: a tag is one word of up to 32 letters, digits, \`-\` or \`_\` (e.g. \`vip\`, \`ship-weekly\`).`,
    };
  }
  return { tags: [...new Set(tags)] };
}

export function parseTagReply(text: string): TagRequest | null {
  const match = tagReply.exec(text);
  if (!match) return null;
  const parsed = parseTags(match[2] ?? "");
  return "problem" in parsed ? parsed : { action: match[1] ? "untag" : "tag", tags: parsed.tags };
}

/** The tags in a line for people: `vip, wholesale`, or "none". */
export const tagList = (tags: readonly string[]) =>
  tags.length > 0 ? tags.map((tag) => `\`${tag}\``).join(", ") : "none";

/**
 * Tags a contact from their conversation's thread or from `/threadline tag`. Tags are internal: nothing goes to
 * the customer; the parents of the contact's conversations show them.
 */
export class ContactTagging {
  constructor(
    private readonly tags: ContactTags,
    private readonly queue: Pick<DeliveryQueue, "enqueue">,
    private readonly logger: CoreLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A `tag:`/`untag:` reply in the conversation's thread; answers what the contact's tags are now. */
  async fromThread(
    context: ConversationContext,
    request: Exclude<TagRequest, { problem: string }>,
    userId: string,
  ): Promise<readonly string[]> {
    return this.apply(context.contact.id, [context.conversation.id], request, userId);
  }

  /** `/threadline tag <number> <tags…>` (or `untag`) in a channel: the contact's conversations in its inboxes. */
  async fromCommand(
    request: { readonly action: "tag" | "untag"; readonly number: string; readonly words: string },
    context: { readonly channelId: string; readonly userId: string },
    store: Pick<ConversationStore, "inboxesForChannel">,
    channels: ChannelRegistry,
  ): Promise<string> {
    const parsed = parseTags(request.words);
    if ("problem" in parsed) return parsed.problem;
    const inboxes = await store.inboxesForChannel(context.channelId);
    const addresses = new Set(
      inboxes.flatMap((inbox) => {
        const address = channels[inbox.kind].parseContactAddress?.(request.number);
        return address ? [address] : [];
      }),
    );
    if (addresses.size === 0) {
      return `\`${request.number}\` is not a phone number I can read (e.g. \`/threadline ${request.action} +15557654321 vip\`), or no inbox connected here has phone numbers.`;
    }
    const found = (
      await Promise.all(
        [...addresses].map((address) => this.tags.conversationsInChannel(context.channelId, address)),
      )
    ).flat();
    const [first] = found;
    if (!first) {
      return `No conversation with ${request.number} in this channel's inboxes, so there is no contact to ${request.action}. Tags are for customers who have a conversation here.`;
    }
    // One number is one contact per channel kind that has phone numbers: each is tagged, its threads updated.
    const contacts = [...new Set(found.map((row) => row.contactId))];
    let after: readonly string[] = [];
    for (const contactId of contacts) {
      after = await this.apply(
        contactId,
        found.filter((row) => row.contactId === contactId).map((row) => row.conversationId),
        { action: request.action, tags: parsed.tags },
        context.userId,
      );
    }
    return `${request.number}'s tags: ${tagList(after)}.`;
  }

  private async apply(
    contactId: number,
    conversationIds: readonly number[],
    request: Exclude<TagRequest, { problem: string }>,
    userId: string,
  ): Promise<readonly string[]> {
    const after =
      request.action === "tag"
        ? await this.tags.tag(contactId, request.tags, userId, this.now())
        : await this.tags.untag(contactId, request.tags);
    await this.queue.enqueue(
      conversationIds.map((conversationId) => ({
        lane: slackLane(conversationId),
        kind: "slack.updateParent" as const,
        payload: { conversationId },
      })),
    );
    this.logger.info(
      { contactId, action: request.action, tags: request.tags, user: userId },
      "contact tags changed",
    );
    return after;
  }
}
