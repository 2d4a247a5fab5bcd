import type { BlockAction, ButtonAction } from "@slack/bolt";
import { sendAgainActionId } from "../../blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/**
 * **Send again** under the line saying a reply's outcome is unknown, or that its send was given up. Done: the line loses its button and says
 * who sent it again, so one line sends at most once more; refused: the reason, just to the clicker.
 */
export function register(app: SlackListeners, { sendAgain, logger }: ListenerDependencies): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: sendAgainActionId },
    async ({ body, action, ack, respond }) => {
      await ack();
      const context = {
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id,
      };
      const outcome = await sendAgain.sendAgain(Number(action.value), context).catch((error: unknown) => {
        logger.error({ err: error, action: sendAgainActionId, ...context }, "send again failed");
        return {
          result: "refused" as const,
          reason:
            "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.",
        };
      });
      if (outcome.result === "refused") {
        await respond({ response_type: "ephemeral", replace_original: false, text: outcome.reason });
        return;
      }
      const line = body.message?.text ?? "";
      await respond({
        replace_original: true,
        text: `${line}\n↻ <@${context.userId}> sent it again.`,
      });
    },
  );
}
