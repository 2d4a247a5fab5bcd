import type { ActionContext, ActionOutcome } from "./actions.js";
import { waitsToBeSentAgain } from "./delivery-status.js";
import { leftThreadReason } from "./inbox-policy.js";
import { customerLane } from "./lane-names.js";
import type { ChannelMembership } from "./membership.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

/**
 * **Send again** on a reply whose provider could not confirm whether it went out, or whose send was given up
 * with nothing (more) of it out: a member of the conversation's channel queues it once more, through the outbox, as a fresh attempt. Two clicks at once queue two jobs on the
 * conversation's lane; the second finds the reply no longer pending and sends nothing.
 */
export class SendAgain {
  constructor(
    private readonly store: ConversationStore,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
  ) {}

  async sendAgain(messageId: number, context: ActionContext): Promise<ActionOutcome> {
    const refused = (reason: string): ActionOutcome => {
      this.logger.warn({ messageId, userId: context.userId, reason }, "send again refused");
      return { result: "refused", reason };
    };
    const message = Number.isSafeInteger(messageId) ? await this.store.message(messageId) : null;
    const found = message ? await this.store.conversationContext(message.conversationId) : null;
    if (message?.direction !== "out" || !found) {
      return refused("This reply no longer exists in Threadline, so nothing was sent.");
    }
    // The button sits in a reply of the thread, not on its parent: only the channel is the thread's to check.
    const left = leftThreadReason(found, { channelId: context.channelId });
    if (left) return refused(`Nothing was sent: ${left}`);
    const channelId = found.inbox.slackChannelId as string;
    const notMember = await this.membership.refusal(context.userId, channelId, "send this reply again");
    if (notMember) return refused(notMember);
    if (!waitsToBeSentAgain(message)) {
      return refused("This reply is not waiting to be sent again (it was already sent again, or settled).");
    }
    await this.store.write({
      messages: [[message.id, { status: "pending", errorCode: null, errorMessage: null }]],
      jobs: [
        {
          lane: customerLane(found.conversation.id),
          kind: "customer.send",
          payload: { messageId: message.id },
        },
      ],
    });
    this.logger.info(
      { conversationId: found.conversation.id, messageId, userId: context.userId },
      "reply queued to be sent again",
    );
    return { result: "done" };
  }
}
