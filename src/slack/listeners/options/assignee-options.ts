import { actionIds, conversationIdFromBlockId } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

interface SuggestionBody {
  block_id?: string;
  value?: string;
  user: { id: string };
  channel?: { id: string };
  container?: { channel_id?: string };
}

/** The "Assign to team member" menu's options; Slack waits 3 s for them, so this only reads caches. */
export function register(app: SlackListeners, { actions, logger }: ListenerDependencies): void {
  app.options<"block_suggestion">({ action_id: actionIds.assign }, async ({ body, ack }) => {
    const suggestion = body as unknown as SuggestionBody;
    const conversationId = conversationIdFromBlockId(suggestion.block_id);
    try {
      const options =
        conversationId === null
          ? []
          : await actions.assigneeOptions(conversationId, suggestion.value ?? "", {
              userId: suggestion.user.id,
              channelId: suggestion.channel?.id ?? suggestion.container?.channel_id,
            });
      await ack({
        options: options.map((option) => ({
          text: { type: "plain_text", text: option.label },
          value: option.value,
        })),
      });
    } catch (error) {
      logger.error({ err: error, conversationId }, "could not list assignees");
      await ack({ options: [] });
    }
  });
}
