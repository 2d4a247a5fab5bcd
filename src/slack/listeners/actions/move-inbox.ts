import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { channelKinds } from "../../../channels/registry.js";
import type { MoveRequest } from "../../../core/commands.js";
import type { ListenerDependencies } from "../dependencies.js";

export const moveInboxActionId = "threadline.moveInbox";

/** The answer offering to move an inbox here: its text and a "Move it here" button carrying the offer. */
export function moveOfferBlocks(text: string, offer: MoveRequest): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: moveInboxActionId,
          text: { type: "plain_text", text: "Move it here" },
          style: "danger",
          value: JSON.stringify(offer),
        },
      ],
    },
  ];
}

/** The offer a button carries, or null when it is not one (the core checks everything it names again). */
export function parseMoveOffer(value: string | undefined): MoveRequest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { kind, address, from, to } = parsed as Record<string, unknown>;
  const isKind = (channelKinds as readonly unknown[]).includes(kind);
  if (!isKind || typeof address !== "string" || typeof from !== "string" || typeof to !== "string") {
    return null;
  }
  return { kind: kind as MoveRequest["kind"], address, from, to };
}

/** "Move it here", clicked in the ephemeral answer to `/threadline connect`. */
export function register(app: App, { commands, logger }: ListenerDependencies): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: moveInboxActionId },
    async ({ body, action, ack, respond }) => {
      await ack();
      const context = { userId: body.user.id, channelId: body.channel?.id ?? body.container?.channel_id };
      const log = logger.child({ action: moveInboxActionId, ...context, value: action.value });
      const offer = parseMoveOffer(action.value);
      const answer =
        offer && context.channelId
          ? await commands
              .confirmMove(offer, { userId: context.userId, channelId: context.channelId })
              .catch((error: unknown) => {
                log.error({ err: error }, "inbox move failed");
                return "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.";
              })
          : "This button does not carry an inbox to move, so nothing was moved.";
      if (!offer) log.warn("move button with an unreadable value refused");
      // Replacing the offer removes the button, so one offer moves the inbox at most once.
      await respond({ response_type: "ephemeral", replace_original: true, text: answer });
      log.info("move button answered");
    },
  );
}
