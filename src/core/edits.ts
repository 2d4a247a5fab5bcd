import type { Message, MessageStatus } from "./model.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

/** A message in a channel the app is in that someone edited or deleted, as the Slack listener hands it over. */
export interface SlackMessageChange {
  readonly channelId: string;
  /** The message's own ts (not the time of the change). */
  readonly ts: string;
  readonly change: "edited" | "deleted";
}

/** Statuses of a reply the provider has taken: the customer has it, or will, as it was first typed. */
const handedOver: ReadonlySet<MessageStatus> = new Set(["queued", "sent", "delivered", "read"]);

/**
 * What to tell the agent who edited or deleted a reply. No channel Threadline bridges can edit or unsend
 * (`capabilities.edits`), so the customer keeps what was sent. A reply still waiting to be sent goes as typed: cancelling it could race a send
 * already under way and claim a stop that did not happen, so the notice says so instead.
 */
export function changeNotice(message: Message, change: SlackMessageChange["change"]): string | null {
  const correction = "Send a correction as a new reply in the thread.";
  if (handedOver.has(message.status)) {
    return change === "edited"
      ? `Your edit was not sent: the customer already has your original reply, and a message can't be changed once it is sent. ${correction}`
      : `Deleting this reply in Slack doesn't unsend it: the customer already has it, and a message can't be unsent. ${correction}`;
  }
  if (message.status === "pending") {
    return change === "edited"
      ? `This reply is being sent to the customer as you first typed it; they won't see the edit. ${correction}`
      : `This reply was already on its way and is being sent as typed; deleting it in Slack doesn't stop it. ${correction}`;
  }
  // Failed or refused: nothing reached the customer, and a deletion needs no answer.
  return change === "edited"
    ? "This reply was not sent to the customer, and neither is the edit. Send the corrected text as a new reply."
    : null;
}

/**
 * An edit or deletion in a connected channel. A deleted parent of a conversation's thread moves the conversation
 * to a fresh thread, started by the next post (the old one is remembered as a past thread, like a move's). An
 * agent's reply edited or deleted gets the notice for its author, or null when there is nothing to say.
 */
export async function messageChanged(
  store: ConversationStore,
  logger: CoreLogger,
  change: SlackMessageChange,
): Promise<string | null> {
  if (change.change === "deleted") {
    const parentOf = await store.conversationByThread(change.channelId, change.ts);
    if (parentOf) {
      const conversationId = parentOf.conversation.id;
      await store.forgetThread(conversationId, change.channelId, change.ts);
      logger.warn(
        { conversationId, slackChannel: change.channelId, threadTs: change.ts },
        "a conversation's parent was deleted: its next message starts a new thread",
      );
      return null;
    }
  }
  const message = await store.messageBySlackTs(change.channelId, change.ts);
  if (message?.direction !== "out") return null;
  const notice = changeNotice(message, change.change);
  logger.info(
    {
      messageId: message.id,
      conversationId: message.conversationId,
      status: message.status,
      change: change.change,
    },
    "agent changed a reply in Slack; the customer keeps what was sent",
  );
  return notice;
}
