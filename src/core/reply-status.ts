import { deliveredReaction, failedReaction, isFailure } from "./delivery-status.js";
import { slackLane } from "./lane-names.js";
import type { Message, MessageStatus } from "./model.js";
import type { NewJob } from "./ports/queue.js";
import type { MessageChanges, Write } from "./ports/store.js";

export interface ReplyFailure {
  readonly errorCode: string | null;
  readonly reason: string | null;
}

/**
 * A reply reaching `status`, and what the agent sees of it: ✅ when delivered (or read), ❌ and the reason in the thread when
 * it failed. `changes` are written with it.
 */
export function replyStatusWrite(
  message: Message,
  status: MessageStatus,
  failure: ReplyFailure | null,
  changes: MessageChanges = {},
): Write {
  const failed = isFailure(status);
  const lane = slackLane(message.conversationId);
  const jobs: NewJob[] = [];
  // A read receipt says delivered too; callbacks come in any order, so "read" may be the first to arrive.
  const reached = status === "delivered" || (status === "read" && message.status !== "delivered");
  if (reached || failed) {
    const name = failed ? failedReaction : deliveredReaction;
    jobs.push({ lane, kind: "slack.react", payload: { messageId: message.id, name } });
  }
  if (failed) {
    const text = `⚠️ Not delivered to the customer: ${failure?.reason ?? "the provider reported a failure"}`;
    jobs.push({ lane, kind: "slack.notice", payload: { conversationId: message.conversationId, text } });
  }
  return {
    messages: [
      [
        message.id,
        {
          ...changes,
          status,
          ...(failed ? { errorCode: failure?.errorCode ?? null, errorMessage: failure?.reason ?? null } : {}),
        },
      ],
    ],
    jobs,
  };
}
