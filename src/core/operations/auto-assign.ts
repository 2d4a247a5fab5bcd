import { slackLane } from "../lane-names.js";
import type { AutoAssignments } from "../ports/auto-assignment.js";
import type { CoreLogger } from "../ports/logger.js";
import type { SlackPort } from "../ports/slack.js";
import { candidatesOf, nextAssignee } from "./rotation.js";

/** The line in the thread that says the assignment was the rotation's, not a person's. */
export const autoAssignedLine = (assigneeId: string) =>
  `🔄 Assigned automatically to <@${assigneeId}> (fewest open conversations in this channel's rotation).`;

/**
 * Assigns a conversation a customer wrote to, when it is unassigned and its channel has a rotation. The parent and
 * App Home follow as after a choice from the menu: the same jobs, the same refresh.
 */
export class AutoAssigner {
  constructor(
    private readonly assignments: AutoAssignments,
    private readonly slack: SlackPort,
    private readonly logger: CoreLogger,
    /** Told whose App Home changed. */
    private readonly assigned: (userIds: readonly string[]) => void = () => {},
  ) {}

  /** Returns who was assigned, or null when the conversation was left as it was. */
  async customerWrote(conversationId: number): Promise<string | null> {
    const waiting = await this.assignments.waitingForRotation(conversationId);
    if (!waiting) return null;
    // Read before the transaction (nothing is awaited inside one): the rotation only takes people in the channel.
    const members = (await this.slack.channelMembers(waiting.channelId))
      .filter((member) => !member.isBot && !member.deleted)
      .map((member) => member.id);
    const lane = slackLane(conversationId);
    const assigneeId = await this.assignments.assign(
      waiting,
      (state) => nextAssignee(candidatesOf(state.setting.rotation, members), state),
      (chosen) => [
        { lane, kind: "slack.updateParent", payload: { conversationId } },
        { lane, kind: "slack.notice", payload: { conversationId, text: autoAssignedLine(chosen) } },
      ],
    );
    if (assigneeId === null) {
      this.logger.info(
        { conversationId, channel: waiting.channelId },
        "not assigned automatically: no one in the rotation is available, or someone took it first",
      );
      return null;
    }
    this.logger.info(
      { conversationId, assigneeId, channel: waiting.channelId },
      "conversation assigned automatically",
    );
    this.assigned([assigneeId]);
    return assigneeId;
  }
}
