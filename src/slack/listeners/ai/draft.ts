import { randomUUID } from "node:crypto";
import type { BlockAction } from "@slack/bolt";
import { aiActionIds, draftBlocks } from "../../ai-blocks.js";
import { conversationIdFromBlockId } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";
import { aiAnswer, notConfigured } from "./answers.js";

/**
 * ✨ Draft reply on a thread's parent: the model's draft is shown in the thread to the person who clicked,
 * with Send · Edit · Discard. Acked at once; the model may take up to its timeout.
 */
export function register(app: SlackListeners, { ai, logger }: ListenerDependencies): void {
  app.action<BlockAction>({ action_id: aiActionIds.draft }, async ({ body, action, ack, client }) => {
    await ack();
    const conversationId = conversationIdFromBlockId(action.block_id);
    const channelId = body.channel?.id ?? body.container?.channel_id;
    const threadTs = body.message?.ts ?? body.container?.message_ts;
    const userId = body.user.id;
    const answer =
      ai === null
        ? notConfigured
        : conversationId === null
          ? {
              result: "refused" as const,
              reason: "This button does not belong to a Threadline conversation.",
            }
          : await aiAnswer(ai.assistant.draft(conversationId, { userId, channelId }), logger, "draft");
    if (!channelId) return;
    await client.chat
      .postEphemeral({
        channel: channelId,
        user: userId,
        ...(threadTs && { thread_ts: threadTs }),
        text: answer.result === "answer" ? `✨ Draft reply: ${answer.text}` : answer.reason,
        ...(answer.result === "answer" &&
          ai &&
          conversationId !== null && {
            blocks: draftBlocks({ conversationId, draftId: randomUUID() }, answer.text, ai.modelName),
          }),
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, conversationId, user: userId }, "could not show the AI draft"),
      );
  });
}
