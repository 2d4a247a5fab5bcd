import type { BlockAction, BlockElementAction } from "@slack/bolt";
import type { ActionContext, ActionOutcome } from "../../../core/actions.js";
import { actionIds, conversationIdFromBlockId } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

type Control = (
  conversationId: number,
  action: BlockElementAction,
  context: ActionContext,
) => Promise<ActionOutcome>;

/** Assign, Close and Reopen on a thread's parent. Acked at once; the change itself goes through the queue. */
export function register(app: SlackListeners, { actions, logger }: ListenerDependencies): void {
  const controls: Record<(typeof actionIds)[keyof typeof actionIds], Control> = {
    [actionIds.assign]: async (conversationId, action, context) => {
      const selected = action.type === "external_select" ? action.selected_option?.value : undefined;
      return selected
        ? actions.assign(conversationId, selected, context)
        : { result: "refused", reason: "Pick someone from the list to assign." };
    },
    [actionIds.close]: (conversationId, _action, context) => actions.close(conversationId, context),
    [actionIds.reopen]: (conversationId, _action, context) => actions.reopen(conversationId, context),
  };

  for (const [actionId, control] of Object.entries(controls)) {
    app.action<BlockAction>({ action_id: actionId }, async ({ body, action, ack, respond }) => {
      await ack();
      const conversationId = conversationIdFromBlockId(action.block_id);
      const context = {
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id,
        threadTs: body.message?.ts ?? body.container?.message_ts,
      };
      const outcome: ActionOutcome =
        conversationId === null
          ? { result: "refused", reason: "This control does not belong to a Threadline conversation." }
          : await control(conversationId, action, context);
      if (outcome.result === "refused") {
        logger.warn(
          { conversationId, action: actionId, ...context, reason: outcome.reason },
          "action refused",
        );
        await respond({ response_type: "ephemeral", replace_original: false, text: outcome.reason });
      }
    });
  }
}
