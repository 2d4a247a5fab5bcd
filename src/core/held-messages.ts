import type { InboxPolicy } from "./inbox-policy.js";
import type { Inbox } from "./model.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

const messages = (count: number) => `${count} customer message${count === 1 ? "" : "s"}`;

/**
 * Customer messages that could not be posted to Slack (a channel problem, or a post that failed for good) are
 * held, not dropped: `/threadline status` says how many and why, `/threadline retry` queues them again.
 */
export class HeldMessageCommands {
  constructor(
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly policy: InboxPolicy,
  ) {}

  /** What `/threadline status` says of the inbox's held messages (a line of its own), or "" when none are. */
  async statusNote(inbox: Inbox): Promise<string> {
    const held = await this.store.heldMessages(inbox.id);
    const total = held.reduce((sum, each) => sum + each.count, 0);
    const fix = "Fix that, then run `/threadline retry` to post them, in order.";
    if (total === 0) {
      return inbox.deliveryProblem
        ? `\n   ⚠️ Posts to Slack are on hold: ${inbox.deliveryProblem}. ${fix}`
        : "";
    }
    const why =
      held.length === 1
        ? (held[0]?.reason ?? "")
        : held.map((each) => `${each.count} — ${each.reason}`).join("; ");
    return `\n   ⚠️ ${messages(total)} held: ${why}. ${fix}`;
  }

  /** `/threadline retry`: queues what is held in this channel's inboxes again, each conversation in order. */
  async retry(context: { readonly channelId: string; readonly userId: string }): Promise<string> {
    const refused = this.policy.refusal(context.userId, "queue held messages again");
    if (refused) {
      this.logger.warn(context, "retry refused: not an admin");
      return refused;
    }
    const inboxes = await this.store.inboxesForChannel(context.channelId);
    if (inboxes.length === 0) {
      return "Nothing is connected to this channel, so nothing is held here. `/threadline help` says how to connect an inbox.";
    }
    let released = 0;
    for (const inbox of inboxes) {
      const count = await this.store.releaseHeld(inbox.id);
      if (count === 0) continue;
      released += count;
      this.logger.info(
        { kind: inbox.kind, inbox: inbox.address, released: count, ...context },
        "held customer messages queued again",
      );
    }
    if (released === 0) {
      return "No customer messages are held in this channel's inboxes: there is nothing to retry.";
    }
    const shown = inboxes.map((inbox) => this.channels[inbox.kind].formatAddress(inbox.address)).join(", ");
    return `Queued ${messages(released)} again (${shown}); they are posted now, each conversation in order. If the cause is still there they are held again, and \`/threadline status\` says why.`;
  }
}
