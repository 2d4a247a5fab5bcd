import type { KnownBlock } from "@slack/types";
import type { ForgetRequest } from "../../../core/erasure.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";
import { offerBlocks, offerFields, registerOfferButton } from "./offer.js";

export const forgetContactActionId = "threadline.forgetContact";

/** The answer to `/threadline forget`: what will be erased, and an "Erase" button carrying the request. */
export function forgetOfferBlocks(text: string, offer: ForgetRequest): KnownBlock[] {
  return offerBlocks(text, forgetContactActionId, "Erase", offer);
}

/** The request a button carries, or null when it is not one (the core checks everything it names again). */
function parseForgetOffer(value: string | undefined): ForgetRequest | null {
  const { contact, channelId } = offerFields(value) ?? {};
  return typeof contact === "string" && typeof channelId === "string" ? { contact, channelId } : null;
}

/** "Erase", clicked in the ephemeral answer to `/threadline forget`. The log names who clicked where, not whom. */
export function register(app: SlackListeners, { commands, logger }: ListenerDependencies): void {
  registerOfferButton(app, logger, {
    actionId: forgetContactActionId,
    parse: parseForgetOffer,
    confirm: (offer, context) => commands.confirmForget(offer, context),
    failed:
      "Sorry, that didn't work because of an error on the Threadline server: nothing was erased. It has been logged; please try again.",
    unreadable: "This button does not name a customer, so nothing was erased.",
    what: "erasure",
  });
}
