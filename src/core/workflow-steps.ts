import type { ConversationActions } from "./actions.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationStore } from "./ports/store.js";
import type { ConversationStarter } from "./start-conversation.js";

/** Where a workflow step runs: the channel whose inboxes and rules apply, and the person running the workflow. */
export interface StepContext {
  readonly channelId: string;
  readonly userId: string;
}

export type StepOutcome<Outputs> =
  | { readonly result: "done"; readonly outputs: Outputs }
  | { readonly result: "failed"; readonly reason: string };

export interface WorkflowStepOptions {
  /** How long the send step waits for its message's thread to be posted, for the link it outputs. */
  readonly threadWaitMs?: number;
  /** How often it looks. */
  readonly threadPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const defaultThreadWaitMs = 60_000;
const defaultThreadPollMs = 200;
/** The most conversations of one contact number a channel's inboxes can hold: one per inbox. */
const conversationsPerNumber = 50;

/**
 * Threadline's Workflow Builder steps. "Send a text message" is `/threadline text` run by the workflow for
 * the person who runs it (the same sender, membership, country and rate rules), posted in the thread as the
 * workflow's; "Close a conversation" is the Close button pressed by the workflow. Each ends done, with its
 * outputs, or failed, with a reason a workflow's author can act on.
 */
export class WorkflowSteps {
  private readonly threadWaitMs: number;
  private readonly threadPollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly starter: ConversationStarter,
    private readonly actions: ConversationActions,
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    options: WorkflowStepOptions = {},
  ) {
    this.threadWaitMs = options.threadWaitMs ?? defaultThreadWaitMs;
    this.threadPollMs = options.threadPollMs ?? defaultThreadPollMs;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async sendText(
    request: { to: string; message: string; from: string | null },
    context: StepContext,
  ): Promise<StepOutcome<{ thread_url: string }>> {
    const started = await this.starter.begin(request, { ...context, byWorkflow: true });
    if (started.result === "refused") {
      this.logger.warn({ ...context, step: "send", reason: started.logged }, "workflow step failed");
      return { result: "failed", reason: started.reason };
    }
    const threadUrl = await this.threadLink(started.messageId);
    if (typeof threadUrl !== "string") return this.fail("send", context, threadUrl.reason, request.to);
    this.logger.info(
      { ...context, conversationId: started.conversationId, messageId: started.messageId },
      "workflow step sent a text message",
    );
    return { result: "done", outputs: { thread_url: threadUrl } };
  }

  async close(request: { to: string }, context: StepContext): Promise<StepOutcome<Record<string, never>>> {
    const inboxes = (await this.store.inboxesForChannel(context.channelId)).filter(
      (inbox) => this.channels[inbox.kind].parseContactAddress,
    );
    if (inboxes.length === 0) {
      return this.fail(
        "close",
        context,
        `<#${context.channelId}> has no number connected, so it has no text conversations to close.`,
      );
    }
    const addresses = new Set(
      inboxes.map((inbox) => this.channels[inbox.kind].parseContactAddress?.(request.to) ?? null),
    );
    addresses.delete(null);
    if (addresses.size === 0) {
      return this.fail(
        "close",
        context,
        `\`${request.to}\` is not a phone number. Use the international format (+ and country code), e.g. +15557654321.`,
        request.to,
      );
    }
    // The contact's number is searched among the channel's inboxes, then matched exactly.
    const matches = await this.store.findConversations(
      inboxes.map((inbox) => inbox.id),
      [...addresses][0] as string,
      conversationsPerNumber,
    );
    const open = matches
      .map((match) => match.context)
      .filter(
        ({ contact, conversation }) => addresses.has(contact.address) && conversation.status === "open",
      );
    if (open.length === 0) {
      return this.fail(
        "close",
        context,
        `${request.to} has no open conversation in <#${context.channelId}>, so nothing was closed.`,
        request.to,
      );
    }
    for (const { conversation } of open) {
      const outcome = await this.actions.close(conversation.id, {
        userId: context.userId,
        channelId: context.channelId,
        byWorkflow: true,
      });
      if (outcome.result === "refused") return this.fail("close", context, outcome.reason, request.to);
      this.logger.info(
        { ...context, conversationId: conversation.id },
        "workflow step closed a conversation",
      );
    }
    return { result: "done", outputs: {} };
  }

  /**
   * The link to the thread the message was posted in, once its post job has run; the message was recorded with
   * that job, so waiting on the store is waiting on the job (on whichever instance claims it).
   */
  private async threadLink(messageId: number): Promise<string | { reason: string }> {
    const deadline = this.now() + this.threadWaitMs;
    for (;;) {
      const message = await this.store.message(messageId);
      if (message?.status === "not_sent") {
        return { reason: `The message was not sent: ${message.errorMessage ?? "it could not be posted."}` };
      }
      if (message?.slackChannelId && message.slackTs) {
        const context = await this.store.conversationContext(message.conversationId);
        const threadTs = context?.conversation.slackThreadTs ?? message.slackTs;
        const link = await this.slack.permalink(message.slackChannelId, threadTs);
        return link ?? { reason: "The message is being sent, but Slack gave no link to its thread." };
      }
      if (this.now() >= deadline) {
        return {
          reason:
            "The message is recorded and goes out once Slack takes its post in the thread, but that did not happen in time for a link to it. Don't run the step again: it would send the message twice.",
        };
      }
      await this.sleep(this.threadPollMs);
    }
  }

  private fail(
    step: "send" | "close",
    context: StepContext,
    reason: string,
    number?: string,
  ): StepOutcome<never> {
    // The log names the customer's number no more than `/threadline text`'s does.
    const logged = number ? reason.replaceAll(number, "<number>") : reason;
    this.logger.warn({ ...context, step, reason: logged }, "workflow step failed");
    return { result: "failed", reason };
  }
}
