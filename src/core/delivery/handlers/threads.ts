import { DeliveryError, JobParked } from "../../errors.js";
import type { ConversationContext, Message } from "../../model.js";
import { parentView } from "../../parent-view.js";
import type { Job } from "../../ports/queue.js";
import type { EarlierPost } from "../../ports/slack.js";
import type { EarlierAttempts } from "../earlier-attempts.js";
import type { HandlerDependencies } from "./dependencies.js";

/** Slack's answers to a post into a thread whose parent is gone. */
const threadGoneCodes = new Set(["SLACK_thread_not_found", "SLACK_message_not_found"]);
const conversation = (context: ConversationContext) => context.conversation;

/** What every handler needs: the conversation, and a way into its thread that holds on a lost channel. */
export function threadAccess(deps: HandlerDependencies, earlier: EarlierAttempts) {
  const { store, slack, channels, logger, transcripts } = deps;

  /**
   * For a post an uncertain job may have made already: the look for it, made once per job after the pace slot
   * is granted. When look-ups could not answer for the whole patience the post goes ahead: a customer's message
   * shown twice is better than one lost.
   */
  function earlierPost(
    job: Job,
    context: ConversationContext,
    what: "parent" | "message",
    lookup: () => Promise<{ ts: string } | null>,
  ): EarlierPost | undefined {
    if (!job.uncertain) return undefined;
    return async () => {
      const answer = await earlier.look(job, what, lookup);
      if (!answer || "found" in answer) return answer?.found ?? null;
      logger.warn(
        { conversationId: context.conversation.id, jobId: job.id, kind: job.kind, reason: answer.unknown },
        "could not find out whether an earlier attempt already posted this; posting it (it may show twice)",
      );
      return null;
    };
  }

  async function loadContext(conversationId: number): Promise<ConversationContext> {
    const context = await store.conversationContext(conversationId);
    if (!context) {
      throw new DeliveryError("NOT_FOUND", `conversation ${conversationId} is gone`, { transient: false });
    }
    return context;
  }

  async function loadMessage(
    messageId: number,
  ): Promise<{ message: Message; context: ConversationContext } | null> {
    const message = await store.message(messageId);
    return message ? { message, context: await loadContext(message.conversationId) } : null;
  }

  /** Whether posts for the inbox must still wait: no channel, or a channel problem nobody has fixed yet. */
  async function inboxBlocked(inboxId: number): Promise<boolean> {
    const inbox = await store.inboxById(inboxId);
    return !inbox?.slackChannelId || inbox.deliveryProblem !== null;
  }

  /** The conversation's thread in its inbox's current channel, posting the parent first if needed. */
  async function ensureThread(
    context: ConversationContext,
    job: Job,
  ): Promise<{ channelId: string; threadTs: string }> {
    const channelId = context.inbox.slackChannelId;
    if (!channelId) {
      throw new JobParked(`inbox ${context.inbox.address} is not connected to a Slack channel`, () =>
        inboxBlocked(context.inbox.id),
      );
    }
    if (context.inbox.deliveryProblem) {
      throw new JobParked(context.inbox.deliveryProblem, () => inboxBlocked(context.inbox.id));
    }
    const { conversation } = context;
    if (conversation.slackChannelId === channelId && conversation.slackThreadTs) {
      return { channelId, threadTs: conversation.slackThreadTs };
    }
    const view = parentView(
      context,
      channels[context.inbox.kind],
      transcripts,
      await (deps.tags?.tagsOf(context.contact.id) ?? []),
    );
    const { ts } = await slack.postParent(
      channelId,
      view,
      earlierPost(job, context, "parent", () =>
        slack.findPostedParent(channelId, conversation.id, job.createdAt),
      ),
    );
    await store.setConversationThread(conversation.id, channelId, ts);
    logger.info({ conversationId: conversation.id, slackChannel: channelId, threadTs: ts }, "thread started");
    return { channelId, threadTs: ts };
  }

  /**
   * Runs a post to `channelId`. When that channel is unusable and it is the inbox's current channel, the inbox is
   * put on hold (its posts wait, in order, until someone reconnects it). A channel the inbox has left (an old
   * thread after a move) holds nothing: that one post fails.
   */
  async function holdOnChannelProblem<T>(
    context: ConversationContext,
    channelId: string,
    post: () => Promise<T>,
  ): Promise<T> {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.category !== "destination_unavailable") throw error;
      if (channelId !== context.inbox.slackChannelId) throw error;
      const problem = `${error.reason} (<#${channelId}>)`;
      await store.setInboxProblem(context.inbox.id, problem);
      logger.error(
        { inbox: context.inbox.address, slackChannel: channelId, code: error.code },
        "Slack channel unusable: customer messages are held until the inbox is connected again (/threadline connect)",
      );
      throw new JobParked(problem, () => inboxBlocked(context.inbox.id));
    }
  }

  /** Posts into the conversation's thread (starting it if needed), holding on channel problems. */
  async function inThread<T>(
    context: ConversationContext,
    job: Job,
    post: (channelId: string, threadTs: string) => Promise<T>,
  ): Promise<T> {
    const current = context.inbox.slackChannelId ?? "";
    return holdOnChannelProblem(context, current, async () => {
      const { channelId, threadTs } = await ensureThread(context, job);
      try {
        return await post(channelId, threadTs);
      } catch (error) {
        if (!(error instanceof DeliveryError && threadGoneCodes.has(error.code))) throw error;
        // The parent was deleted without our hearing of it (e.g. while the app was offline): the conversation
        // moves to a fresh thread, and the old one is remembered like a thread left by a move.
        await store.forgetThread(conversation(context).id, channelId, threadTs);
        logger.warn(
          { conversationId: conversation(context).id, slackChannel: channelId, threadTs, code: error.code },
          "the thread's parent is gone: starting a new thread",
        );
        const fresh = await ensureThread(await loadContext(conversation(context).id), job);
        return post(fresh.channelId, fresh.threadTs);
      }
    });
  }

  return { loadContext, loadMessage, holdOnChannelProblem, inThread, earlierPost };
}

export type ThreadAccess = ReturnType<typeof threadAccess>;

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
