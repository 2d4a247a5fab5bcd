import type { KnownBlock } from "@slack/types";
import { channelKinds } from "../../../channels/registry.js";
import type { MoveRequest } from "../../../core/commands.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";
import { offerBlocks, offerFields, registerOfferButton } from "./offer.js";

export const moveInboxActionId = "threadline.moveInbox";

/** The answer offering to move an inbox here: its text and a "Move it here" button carrying the offer. */
export function moveOfferBlocks(text: string, offer: MoveRequest): KnownBlock[] {
  return offerBlocks(text, moveInboxActionId, "Move it here", offer);
}

/** The offer a button carries, or null when it is not one (the core checks everything it names again). */
export function parseMoveOffer(value: string | undefined): MoveRequest | null {
  const { kind, address, from, to } = offerFields(value) ?? {};
  const isKind = (channelKinds as readonly unknown[]).includes(kind);
  if (!isKind || typeof address !== "string" || typeof from !== "string" || typeof to !== "string") {
    return null;
  }
  return { kind: kind as MoveRequest["kind"], address, from, to };
}

/** "Move it here", clicked in the ephemeral answer to `/threadline connect`. */
export function register(app: SlackListeners, { commands, logger }: ListenerDependencies): void {
  registerOfferButton(app, logger, {
    actionId: moveInboxActionId,
    parse: parseMoveOffer,
    confirm: (offer, context) => commands.confirmMove(offer, context),
    failed:
      "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.",
    unreadable: "This button does not carry an inbox to move, so nothing was moved.",
    what: "inbox move",
    logFields: (value) => ({ value }),
  });
}
