import type { ReplyOutcome } from "../conversations.js";
import { LanguageModelError } from "../errors.js";
import { leftThreadReason } from "../inbox-policy.js";
import type { AgentReply, ConversationContext, Message } from "../model.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { ChatMessage, LanguageModel, TokenUsage } from "../ports/language-model.js";
import type { CoreLogger } from "../ports/logger.js";
import type { ConversationStore } from "../ports/store.js";
import { draftGrounding, maxDraftCharacters, type SavedRepliesSource, transcriptOf } from "./grounding.js";
import { draftPrompt, summaryPrompt } from "./prompt.js";
import { type AiRateLimit, defaultAiRateLimit, PerPersonLimit } from "./rate-limit.js";
import { createRedaction, noRedaction } from "./redaction.js";

export type AiTask = "draft" | "summary";

/** Told of every request to the model, for /metrics: its outcome ("ok" or the error's code) and tokens. */
export type AiObserver = (task: AiTask, outcome: string, usage: TokenUsage | null) => void;

/** Who asked, and from where: only the conversation's own thread is accepted. */
export interface AiContext {
  readonly userId: string;
  readonly channelId: string | undefined;
}

export type AiAnswer =
  | { readonly result: "answer"; readonly text: string }
  | { readonly result: "refused"; readonly reason: string };

/** What the assistant needs from Slack: a word just for one person (drafts are posted by the outbox). */
export interface AssistantSlack {
  /** Shows `text` to `userId` alone in the thread (a Slack ephemeral message). */
  tellPrivately(channelId: string, threadTs: string, userId: string, text: string): Promise<void>;
}

export interface AssistantOptions {
  readonly redact: boolean;
  readonly now: () => number;
  readonly rateLimit?: AiRateLimit;
  readonly savedReplies?: SavedRepliesSource;
  readonly observe?: AiObserver;
}

/** A draft, by its conversation and its own id: each draft is sent at most once, by Send or by Edit. */
export interface DraftRef {
  readonly conversationId: number;
  readonly draftId: string;
}

/**
 * The key a sent draft's reply is recorded under until it is posted: the database keeps one reply per key, so
 * a second Send of the draft, on any instance, is refused there.
 */
const draftKey = (draftId: string) => `ai-draft:${draftId}`;

/** A conversation this long gets its new assignee a summary, so they need not read it all. */
export const summaryOnAssignMessages = 10;

/** The longest summary asked for; drafts get room for the channel's length. */
const summaryTokens = 300;

/**
 * AI reply drafts and summaries. The model only ever writes for a person: a draft is shown to whoever asked,
 * and goes to the customer only when they click Send (`sendDraft`), as their own reply. Failures answer the
 * person with the reason and change nothing; logs name the conversation, the person and the outcome, never
 * what was sent to the model or what it answered.
 */
export class AiAssistant {
  private readonly limit: PerPersonLimit;

  constructor(
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly model: LanguageModel,
    private readonly slack: AssistantSlack,
    /** The path every agent reply takes (Conversations.agentReplied): recorded, then posted and sent by jobs. */
    private readonly replied: (reply: AgentReply) => Promise<ReplyOutcome>,
    private readonly logger: CoreLogger,
    private readonly options: AssistantOptions,
  ) {
    this.limit = new PerPersonLimit(options.rateLimit ?? defaultAiRateLimit, options.now);
  }

  async draft(conversationId: number, context: AiContext): Promise<AiAnswer> {
    const found = await this.conversation(conversationId, context);
    if ("reason" in found) return this.refuse("draft", conversationId, context, found.reason);
    const { conversation, messages } = found;
    const grounding = await draftGrounding(this.store, this.channels, conversation, messages, {
      now: this.options.now(),
      savedReplies: this.options.savedReplies,
    });
    // The model counts tokens, the channel characters: about four characters a token, with room to spare.
    const maxTokens = Math.ceil(grounding.maxCharacters / 3);
    const answer = await this.ask("draft", conversationId, context, maxTokens, (hide) =>
      draftPrompt(grounding, hide),
    );
    if (answer.result === "refused") return answer;
    return { result: "answer", text: fitted(answer.text, grounding.maxCharacters) };
  }

  async summarize(conversationId: number, context: AiContext): Promise<AiAnswer> {
    const found = await this.conversation(conversationId, context);
    if ("reason" in found) return this.refuse("summary", conversationId, context, found.reason);
    const transcript = transcriptOf(found.messages);
    return this.ask("summary", conversationId, context, summaryTokens, (hide) =>
      summaryPrompt(transcript, hide),
    );
  }

  /**
   * A person clicked Send on their draft (or on the text they edited): it is recorded as their reply, under the
   * draft's key, with the job that posts it in the thread under their name and picture and then sends it, as a
   * reply written in the saved-reply form is. Recorded first: a crash can't leave it posted and never sent.
   */
  async sendDraft(draft: DraftRef, text: string, context: AiContext): Promise<AiAnswer> {
    const { conversationId, draftId } = draft;
    const reply = text.trim();
    if (!reply) return { result: "refused", reason: "The draft is empty: nothing was sent." };
    const found = await this.store.conversationContext(conversationId);
    const threadTs = found?.conversation.slackThreadTs;
    const channelId = found?.conversation.slackChannelId;
    const left =
      found && context.channelId ? leftThreadReason(found, { channelId: context.channelId }) : null;
    if (!found || !threadTs || !channelId || left) {
      const reason = `Not sent to the customer: ${left ?? "this conversation has no thread here any more."}`;
      this.logger.warn({ conversationId, user: context.userId, reason }, "AI draft not sent");
      return { result: "refused", reason };
    }
    const outcome = await this.replied({
      channelId,
      threadTs,
      ts: draftKey(draftId),
      userId: context.userId,
      text: reply,
      files: [],
      fromForm: true,
    });
    if (outcome.result === "duplicate") {
      this.logger.info({ conversationId, user: context.userId }, "AI draft already sent; click ignored");
      return { result: "refused", reason: "This draft was already sent." };
    }
    this.logger.info(
      { conversationId, user: context.userId, outcome: outcome.result },
      "AI draft sent by its person",
    );
    if (outcome.result === "refused") return outcome;
    return { result: "answer", text: reply };
  }

  /** Someone was just assigned the conversation: past `summaryOnAssignMessages`, they get its summary. */
  async assigned(conversationId: number, assigneeId: string): Promise<void> {
    const messages = await this.store.conversationMessages(conversationId);
    if (messages.length < summaryOnAssignMessages) return;
    const context = await this.store.conversationContext(conversationId);
    const { slackChannelId, slackThreadTs } = context?.conversation ?? {};
    if (!slackChannelId || !slackThreadTs) return;
    const answer = await this.summarize(conversationId, { userId: assigneeId, channelId: slackChannelId });
    const text =
      answer.result === "answer"
        ? `✨ You were assigned this conversation. Its summary, just for you:\n${answer.text}`
        : `✨ You were assigned this conversation; its summary could not be written: ${answer.reason}`;
    await this.slack.tellPrivately(slackChannelId, slackThreadTs, assigneeId, text);
  }

  private async conversation(
    conversationId: number,
    context: AiContext,
  ): Promise<{ conversation: ConversationContext; messages: readonly Message[] } | { reason: string }> {
    const conversation = await this.store.conversationContext(conversationId);
    if (!conversation) return { reason: "This conversation no longer exists." };
    if (context.channelId && conversation.conversation.slackChannelId !== context.channelId) {
      return { reason: "This control belongs to a conversation that now lives in another channel." };
    }
    const messages = await this.store.conversationMessages(conversationId);
    if (messages.length === 0) return { reason: "This conversation has no messages yet." };
    return { conversation, messages };
  }

  private async ask(
    task: AiTask,
    conversationId: number,
    context: AiContext,
    maxTokens: number,
    prompt: (hide: (text: string) => string) => ChatMessage[],
  ): Promise<AiAnswer> {
    const waitMs = this.limit.take(context.userId);
    if (waitMs !== null) {
      this.options.observe?.(task, "rate_limited", null);
      return this.refuse(
        task,
        conversationId,
        context,
        `You've asked the AI model often in the last few minutes: try again in ${Math.ceil(waitMs / 60_000)} minute(s).`,
      );
    }
    const redaction = this.options.redact ? createRedaction() : noRedaction;
    const began = this.options.now();
    try {
      const answer = await this.model.complete(prompt(redaction.hide), { maxTokens });
      this.options.observe?.(task, "ok", answer.usage);
      this.logger.info(
        {
          conversationId,
          user: context.userId,
          task,
          model: this.model.name,
          promptTokens: answer.usage.promptTokens,
          completionTokens: answer.usage.completionTokens,
          ms: this.options.now() - began,
        },
        "AI model answered",
      );
      return { result: "answer", text: redaction.restore(answer.text) };
    } catch (error) {
      if (!(error instanceof LanguageModelError)) throw error;
      this.options.observe?.(task, error.code, null);
      this.logger.warn(
        { conversationId, user: context.userId, task, model: this.model.name, code: error.code },
        "AI model gave no answer",
      );
      return {
        result: "refused",
        reason: `No ${task === "draft" ? "draft" : "summary"}: ${error.reason}. Nothing was changed.`,
      };
    }
  }

  private refuse(task: AiTask, conversationId: number, context: AiContext, reason: string): AiAnswer {
    this.logger.info({ conversationId, user: context.userId, task, reason }, "AI request refused");
    return { result: "refused", reason };
  }
}

/** A draft longer than the channel carries is cut at the last sentence or word that fits. */
function fitted(text: string, maxCharacters: number): string {
  const limit = Math.min(maxCharacters, maxDraftCharacters);
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const sentence = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("! "), cut.lastIndexOf("? "));
  return sentence > limit / 2 ? cut.slice(0, sentence + 1) : cut.slice(0, cut.lastIndexOf(" ")).trimEnd();
}
