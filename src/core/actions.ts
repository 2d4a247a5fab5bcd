import { assigneeOptions, type MenuOption, unassignValue } from "./assignment.js";
import { leftThreadReason } from "./inbox-policy.js";
import { slackLane } from "./lane-names.js";
import type { ChannelMembership } from "./membership.js";
import type { Conversation, ConversationContext } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import type { NewJob } from "./ports/queue.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationChanges, ConversationStore } from "./ports/store.js";

/** Who acted, and where: actions are only accepted from the conversation's own thread parent. */
export interface ActionContext {
  readonly userId: string;
  readonly channelId: string | undefined;
  /** The parent message acted on, when known: an old thread's parent is refused like another channel's. */
  readonly threadTs?: string | undefined;
  /** A Workflow Builder step acted for `userId`, who runs the workflow: the thread says the workflow did. */
  readonly byWorkflow?: boolean;
}

export type ActionOutcome =
  | { readonly result: "done" }
  | { readonly result: "refused"; readonly reason: string };

/**
 * What agents do from the thread's parent: assign, unassign, close and reopen. Each change is one
 * transaction that also enqueues the parent's update and a line in the thread, so they reach Slack in order
 * behind the conversation's messages.
 */
export class ConversationActions {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    /** Told of every change once committed (App Home refreshes the homes it concerns). */
    private readonly changed: (before: Conversation, changes: ConversationChanges) => void = () => {},
    /** Told of a conversation closed (the satisfaction question follows). */
    private readonly closed: (conversationId: number) => void = () => {},
  ) {}

  async assigneeOptions(
    conversationId: number,
    query: string,
    context: ActionContext,
  ): Promise<MenuOption[]> {
    const found = await this.find(conversationId, context);
    if ("reason" in found) {
      this.logger.warn(
        { conversationId, user: context.userId, channel: context.channelId, reason: found.reason },
        "assignment menu left empty",
      );
      return [];
    }
    const { conversation } = found;
    const channelId = conversation.slackChannelId as string;
    const members = await this.slack.channelMembers(channelId);
    return assigneeOptions(members, query, conversation.assigneeId);
  }

  async assign(conversationId: number, selected: string, context: ActionContext): Promise<ActionOutcome> {
    const assigneeId = selected === unassignValue ? null : selected;
    return this.change(conversationId, context, async (found) => {
      if (found.conversation.assigneeId === assigneeId) return null;
      if (assigneeId && !(await this.membership.isMember(found.inbox.slackChannelId as string, assigneeId))) {
        return { refused: "That person is not a member of this channel, so they can't be assigned here." };
      }
      const line = assigneeId
        ? `<@${context.userId}> assigned this conversation to <@${assigneeId}>.`
        : `<@${context.userId}> unassigned this conversation${found.conversation.assigneeId ? ` from <@${found.conversation.assigneeId}>` : ""}.`;
      return {
        changes: { assigneeId },
        line,
        log: assigneeId ? "conversation assigned" : "conversation unassigned",
      };
    });
  }

  async close(conversationId: number, context: ActionContext): Promise<ActionOutcome> {
    return this.change(conversationId, context, async (found) =>
      found.conversation.status === "closed"
        ? null
        : {
            // Closing answers the customer as far as the response-time target goes: their wait ends.
            changes: {
              status: "closed",
              closedBy: context.userId,
              closedAt: new Date(),
              unansweredSince: null,
            },
            line: context.byWorkflow
              ? `A workflow run by <@${context.userId}> closed this conversation.`
              : `<@${context.userId}> closed this conversation.`,
            log: "conversation closed",
          },
    );
  }

  async reopen(conversationId: number, context: ActionContext): Promise<ActionOutcome> {
    return this.change(conversationId, context, async (found) =>
      found.conversation.status === "open"
        ? null
        : {
            changes: { status: "open", closedBy: null, closedAt: null },
            line: `<@${context.userId}> reopened this conversation.`,
            log: "conversation reopened",
          },
    );
  }

  private async find(
    conversationId: number,
    context: ActionContext,
  ): Promise<ConversationContext | { reason: string }> {
    const found = Number.isSafeInteger(conversationId)
      ? await this.store.conversationContext(conversationId)
      : null;
    if (!found?.conversation.slackChannelId) {
      return { reason: "This conversation no longer exists in Threadline, so nothing was changed." };
    }
    const left = leftThreadReason(found, context);
    if (left) return { reason: `Nothing was changed: ${left}` };
    const outsider = await this.membership.refusal(
      context.userId,
      found.inbox.slackChannelId as string,
      "assign, close or reopen its conversations",
    );
    return outsider ? { reason: `${outsider} Nothing was changed.` } : found;
  }

  private async change(
    conversationId: number,
    context: ActionContext,
    decide: (found: ConversationContext) => Promise<
      | {
          changes: ConversationChanges;
          line: string;
          log: string;
        }
      | { refused: string }
      | null
    >,
  ): Promise<ActionOutcome> {
    const found = await this.find(conversationId, context);
    if ("reason" in found) {
      this.logger.warn({ conversationId, user: context.userId, channel: context.channelId }, found.reason);
      return { result: "refused", reason: found.reason };
    }
    const decision = await decide(found);
    if (decision === null) return { result: "done" };
    if ("refused" in decision) return { result: "refused", reason: decision.refused };
    const lane = slackLane(conversationId);
    const jobs: NewJob[] = [
      { lane, kind: "slack.updateParent", payload: { conversationId } },
      { lane, kind: "slack.notice", payload: { conversationId, text: decision.line } },
    ];
    await this.store.write({ conversations: [[conversationId, decision.changes]], jobs });
    this.logger.info({ conversationId, user: context.userId, ...decision.changes }, decision.log);
    this.changed(found.conversation, decision.changes);
    if (decision.changes.status === "closed") this.closed(conversationId);
    return { result: "done" };
  }
}
