import { commandForLog } from "../../../core/command-log.js";
import type { CommandAnswer } from "../../../core/commands.js";
import { campaignOfferBlocks } from "../../campaign-blocks.js";
import { forgetOfferBlocks } from "../actions/forget-contact.js";
import { moveOfferBlocks } from "../actions/move-inbox.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/** Slack shows "operation timed out" after 3 s; past this we ack with a holding answer and respond later. */
const ackBudgetMs = 2_500;

/** The ephemeral message for an answer: a move offer carries its "Move it here" button, a forget offer "Erase". */
function ephemeral(answer: CommandAnswer) {
  return {
    response_type: "ephemeral" as const,
    text: answer.text,
    ...(answer.moveOffer ? { blocks: moveOfferBlocks(answer.text, answer.moveOffer) } : {}),
    ...(answer.forgetOffer ? { blocks: forgetOfferBlocks(answer.text, answer.forgetOffer) } : {}),
    ...(answer.campaignOffer
      ? { blocks: campaignOfferBlocks(answer.text, answer.campaignOffer.campaignId) }
      : {}),
  };
}

export function register(app: SlackListeners, { commands, logger }: ListenerDependencies): void {
  app.command("/threadline", async ({ command, ack, respond }) => {
    const context = { channelId: command.channel_id, userId: command.user_id };
    const log = logger.child({
      command: "/threadline",
      ...commandForLog(command.text),
      ...context,
    });
    const answer = commands.run(command.text, context).catch((error: unknown): CommandAnswer => {
      log.error({ err: error }, "slash command failed");
      return {
        text: "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.",
      };
    });
    const timedOut = Symbol("timeout");
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([
      answer,
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), ackBudgetMs);
      }),
    ]);
    clearTimeout(timer);
    if (early !== timedOut) {
      await ack(ephemeral(early));
      log.info("slash command answered");
      return;
    }
    await ack({ response_type: "ephemeral", text: "Working on it…" });
    await respond({ ...ephemeral(await answer), replace_original: true });
    log.info("slash command answered after a holding reply");
  });
}
