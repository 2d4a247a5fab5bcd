import type { BlockAction } from "@slack/bolt";
import { conversationIdFromBlockId, transcriptActionIds } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

const minutesLeft = (expiresAt: Date) => Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));

/**
 * "View all messages": the person who clicked, and only they, gets a fresh link valid for a few minutes
 * (ephemeral, through the action's response_url), when they may see the conversation.
 */
export function register(app: SlackListeners, { transcripts }: ListenerDependencies): void {
  for (const actionId of Object.values(transcriptActionIds)) {
    app.action<BlockAction>({ action_id: actionId }, async ({ body, action, ack, respond }) => {
      await ack();
      const conversationId = conversationIdFromBlockId(action.block_id);
      const access =
        conversationId === null
          ? {
              result: "refused" as const,
              reason: "This button does not belong to a Threadline conversation.",
            }
          : await transcripts.linkFor(conversationId, {
              userId: body.user.id,
              channelId: body.channel?.id ?? body.container?.channel_id,
            });
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text:
          access.result === "granted"
            ? `<${access.url}|View all messages of this conversation> — a link for you alone, valid for ${minutesLeft(access.expiresAt)} minutes.`
            : access.reason,
      });
    });
  }
}
