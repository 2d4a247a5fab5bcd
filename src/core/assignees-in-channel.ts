import { slackLane } from "./lane-names.js";
import type { ChannelMembership } from "./membership.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

/**
 * A conversation is assigned only to a member of the channel it lives in. When that stops being true (the
 * assignee left or was removed, the inbox moved to a channel they are not in, or a reload of the channel's
 * members shows a departure whose event was missed) the assignment is cleared and the thread says why, so the
 * team sees the conversation is nobody's and the former assignee's App Home no longer lists it.
 */
export class AssigneesInChannel {
  constructor(
    private readonly store: Pick<ConversationStore, "openAssignmentsIn" | "unassign">,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    /** Told whose assignments were cleared (App Home refreshes their homes). */
    private readonly cleared: (userIds: readonly string[]) => void = () => {},
  ) {}

  /**
   * Clears the assignments of `channelId`'s open conversations whose assignee is no longer a person in it.
   * When the members can't be read nothing is cleared: a departure is never guessed. Returns how many were.
   */
  async check(channelId: string, trigger: string): Promise<number> {
    const assignments = await this.store.openAssignmentsIn(channelId);
    if (assignments.length === 0) return 0;
    const gone = new Set<string>();
    for (const assigneeId of new Set(assignments.map((a) => a.assigneeId))) {
      if (!(await this.membership.isMember(channelId, assigneeId))) gone.add(assigneeId);
    }
    let count = 0;
    for (const { conversationId, assigneeId } of assignments) {
      if (!gone.has(assigneeId)) continue;
      const lane = slackLane(conversationId);
      const text = `<@${assigneeId}> is no longer a member of <#${channelId}>, so this conversation is no longer assigned to them.`;
      const unassigned = await this.store.unassign(conversationId, assigneeId, [
        { lane, kind: "slack.updateParent", payload: { conversationId } },
        { lane, kind: "slack.notice", payload: { conversationId, text } },
      ]);
      if (!unassigned) continue;
      count++;
      this.logger.info(
        { conversationId, assignee: assigneeId, slackChannel: channelId, trigger },
        "conversation unassigned: the assignee is not in its channel",
      );
    }
    if (gone.size > 0) this.cleared([...gone]);
    return count;
  }

  /** `check` in the background, for event listeners and start-up: a failure is logged and changes nothing. */
  checkSoon(channelId: string, trigger: string): void {
    this.check(channelId, trigger).catch((error: unknown) =>
      this.logger.warn(
        { err: error, slackChannel: channelId, trigger },
        "could not check that the channel's assignees are still in it; checked again on its next member change",
      ),
    );
  }
}
