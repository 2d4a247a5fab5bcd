import type { BlockAction, ButtonAction } from "@slack/bolt";
import { campaignActionIds } from "../../campaign-blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";
import { offerFields, registerOfferButton } from "./offer.js";

const failed =
  "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.";

function parseOffer(value: string | undefined): { campaignId: number } | null {
  const { campaignId } = offerFields(value) ?? {};
  return typeof campaignId === "number" && Number.isSafeInteger(campaignId) ? { campaignId } : null;
}

/**
 * **Send** and **Cancel** on a campaign's preview (the answer replaces the preview, so it acts once), and
 * **Stop campaign** on its progress message (answered to the clicker; the message itself shows the stop).
 */
export function register(app: SlackListeners, { commands, logger }: ListenerDependencies): void {
  for (const button of ["send", "cancel"] as const) {
    registerOfferButton(app, logger, {
      actionId: campaignActionIds[button],
      parse: parseOffer,
      confirm: (offer, context) => commands.campaignButton(button, offer.campaignId, context),
      failed: `${failed} Nothing was sent.`,
      unreadable: "This button does not name a campaign, so nothing was done.",
      what: `campaign ${button}`,
    });
  }
  app.action<BlockAction<ButtonAction>>(
    { action_id: campaignActionIds.stop },
    async ({ body, action, ack, respond }) => {
      await ack();
      const context = { userId: body.user.id, channelId: body.channel?.id ?? body.container?.channel_id };
      const campaignId = Number(action.value);
      const answer =
        Number.isSafeInteger(campaignId) && context.channelId
          ? await commands
              .campaignButton("stop", campaignId, { userId: context.userId, channelId: context.channelId })
              .catch((error: unknown) => {
                logger.error({ err: error, campaignId, ...context }, "campaign stop failed");
                return failed;
              })
          : "This button does not name a campaign, so nothing was stopped.";
      await respond({ response_type: "ephemeral", replace_original: false, text: answer });
      logger.info({ campaignId, ...context }, "campaign stop answered");
    },
  );
}
