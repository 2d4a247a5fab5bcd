// The kinds of thread reply that are more than text sent as typed: `tag:`/`untag:`, `later <when>:` and `;name`.
import { type ContactTagging, parseTagReply, tagList } from "./campaigns/tags.js";
import type { AgentReply, ConversationContext } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import { quoted, type SavedReplies } from "./saved-replies.js";
import type { ScheduledSends } from "./scheduled-sends.js";
import { parseLaterReply } from "./scheduled-time.js";
import { savedReplyRequest } from "./snippet-text.js";

/** What a thread reply may ask for besides being sent as typed; each is optional (tests of the core leave them out). */
export interface ReplyKinds {
  /** `;name`: a saved reply of the channel. */
  readonly savedReplies?: SavedReplies;
  /** `later <when>: …`: sent at that time. */
  readonly scheduled?: ScheduledSends;
  /** `tag:` and `untag:`: the contact's tags, never sent. */
  readonly tagging?: ContactTagging;
}

type Refused = { readonly result: "refused"; readonly reason: string };

/** Recognises and handles the reply kinds the server has; each method returns null for a reply not of its kind. */
export class ThreadReplies {
  constructor(
    private readonly kinds: ReplyKinds,
    private readonly logger: CoreLogger,
  ) {}

  /** `tag:`/`untag:`: internal; the confirmation tells the agent the contact's tags now. */
  async tag(
    reply: AgentReply,
    context: ConversationContext,
  ): Promise<Refused | { readonly result: "tagged"; readonly confirmation: string } | null> {
    const tagging = this.kinds.tagging;
    const tagRequest = tagging ? parseTagReply(reply.text) : null;
    if (!tagRequest || !tagging) return null;
    if ("problem" in tagRequest)
      return { result: "refused", reason: `Nothing was tagged: ${tagRequest.problem}` };
    const tags = await tagging.fromThread(context, tagRequest, reply.userId);
    return { result: "tagged", confirmation: `Not sent to the customer. Their tags: ${tagList(tags)}.` };
  }

  /** `later <when>: …`: scheduled instead of sent now. */
  async later(
    reply: AgentReply,
    context: ConversationContext,
  ): Promise<Refused | { readonly result: "duplicate" | "scheduled" } | null> {
    const later = this.kinds.scheduled ? parseLaterReply(reply.text) : null;
    if (!later || !this.kinds.scheduled) return null;
    // `later 9am: ;hours` schedules the saved reply, filled in now.
    const saved = await this.savedReply({ ...reply, text: later.body }, context);
    if (saved && "refused" in saved) return { result: "refused", reason: saved.refused };
    const scheduled = await this.kinds.scheduled.schedule(
      reply,
      context,
      saved ? { when: later.when, body: saved.text, savedReply: true } : later,
    );
    if (scheduled.result === "refused") return scheduled;
    return { result: scheduled.result === "duplicate" ? "duplicate" : "scheduled" };
  }

  /** A `;name` reply as the text it sends and the line that shows it in the thread; null for any other reply. */
  async savedReply(
    reply: AgentReply,
    context: ConversationContext,
  ): Promise<{ text: string; shown: string } | { refused: string } | null> {
    const request = this.kinds.savedReplies ? savedReplyRequest(reply.text) : null;
    if (!request || !this.kinds.savedReplies) return null;
    const expanded = await this.kinds.savedReplies.expand(request, {
      channelId: reply.channelId,
      userId: reply.userId,
      contact: context.contact,
    });
    if ("refused" in expanded) return expanded;
    this.logger.info(
      { conversationId: context.conversation.id, user: reply.userId, name: request.name },
      "saved reply used",
    );
    return {
      text: expanded.text,
      shown: `📝 Saved reply \`;${request.name}\` sent as:\n${quoted(expanded.text)}`,
    };
  }
}
