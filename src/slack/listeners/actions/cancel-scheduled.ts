import type { BlockAction, ButtonAction } from "@slack/bolt";
import { cancelScheduledActionId } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/**
 * **Cancel** on a scheduled message's line: the core checks who clicked and cancels it (the line then says who
 * did); the answer goes just to the clicker.
 */
export function register(app: SlackListeners, { scheduledSends, logger }: ListenerDependencies): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: cancelScheduledActionId },
    async ({ body, action, ack, respond }) => {
      await ack();
      const text = await scheduledSends.cancel(Number(action.value), body.user.id).catch((error: unknown) => {
        logger.error({ err: error, action: cancelScheduledActionId, user: body.user.id }, "cancel failed");
        return "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.";
      });
      await respond({ response_type: "ephemeral", replace_original: false, text });
    },
  );
}
