import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { ForgetRequest } from "../../../core/erasure.js";
import type { ListenerDependencies } from "../dependencies.js";

export const forgetContactActionId = "threadline.forgetContact";

/** The answer to `/threadline forget`: what will be erased, and an "Erase" button carrying the request. */
export function forgetOfferBlocks(text: string, offer: ForgetRequest): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: forgetContactActionId,
          text: { type: "plain_text", text: "Erase" },
          style: "danger",
          value: JSON.stringify(offer),
        },
      ],
    },
  ];
}

/** The request a button carries, or null when it is not one (the core checks everything it names again). */
function parseForgetOffer(value: string | undefined): ForgetRequest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { contact, channelId } = parsed as Record<string, unknown>;
  return typeof contact === "string" && typeof channelId === "string" ? { contact, channelId } : null;
}

/** "Erase", clicked in the ephemeral answer to `/threadline forget`. */
export function register(app: App, { commands, logger }: ListenerDependencies): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: forgetContactActionId },
    async ({ body, action, ack, respond }) => {
      await ack();
      const context = { userId: body.user.id, channelId: body.channel?.id ?? body.container?.channel_id };
      // The button names a customer: the log names who clicked where, not whom.
      const log = logger.child({ action: forgetContactActionId, ...context });
      const offer = parseForgetOffer(action.value);
      const answer =
        offer && context.channelId
          ? await commands
              .confirmForget(offer, { userId: context.userId, channelId: context.channelId })
              .catch((error: unknown) => {
                log.error({ err: error }, "erasure failed");
                return "Sorry, that didn't work because of an error on the Threadline server: nothing was erased. It has been logged; please try again.";
              })
          : "This button does not name a customer, so nothing was erased.";
      if (!offer) log.warn("erase button with an unreadable value refused");
      // Replacing the offer removes the button, so one offer erases at most once.
      await respond({ response_type: "ephemeral", replace_original: true, text: answer });
      log.info("erase button answered");
    },
  );
}
