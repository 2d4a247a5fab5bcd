import type { BlockAction, ButtonAction } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { Logger } from "../../../logger.js";
import type { SlackListeners } from "../table.js";

/**
 * An ephemeral answer that asks a person to confirm something drastic (moving an inbox, erasing a customer):
 * its text and one danger button carrying the request as JSON. The core checks everything it names again.
 */
export function offerBlocks(text: string, actionId: string, label: string, request: object): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: actionId,
          text: { type: "plain_text", text: label },
          style: "danger",
          value: JSON.stringify(request),
        },
      ],
    },
  ];
}

/** The object a button carries, or null when its value is not JSON of an object. */
export function offerFields(value: string | undefined): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    return null;
  }
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : null;
}

export interface OfferButton<Request> {
  readonly actionId: string;
  readonly parse: (value: string | undefined) => Request | null;
  readonly confirm: (request: Request, context: { userId: string; channelId: string }) => Promise<string>;
  /** The answer when confirming failed on our side; the log says why. */
  readonly failed: string;
  /** The answer when the button carries no request. */
  readonly unreadable: string;
  /** What the log calls it: "inbox move", "erasure". */
  readonly what: string;
  /** Extra log fields; a button naming a customer logs who clicked where, not whom. */
  readonly logFields?: (value: string | undefined) => Record<string, unknown>;
}

/** The click on an offer's button: confirmed through the core, answered by replacing the offer (one click acts at most once). */
export function registerOfferButton<Request>(
  app: SlackListeners,
  logger: Logger,
  button: OfferButton<Request>,
): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: button.actionId },
    async ({ body, action, ack, respond }) => {
      await ack();
      const context = { userId: body.user.id, channelId: body.channel?.id ?? body.container?.channel_id };
      const log = logger.child({ action: button.actionId, ...context, ...button.logFields?.(action.value) });
      const request = button.parse(action.value);
      const answer =
        request && context.channelId
          ? await button
              .confirm(request, { userId: context.userId, channelId: context.channelId })
              .catch((error: unknown) => {
                log.error({ err: error }, `${button.what} failed`);
                return button.failed;
              })
          : button.unreadable;
      if (!request) log.warn(`${button.what} button with an unreadable value refused`);
      // Replacing the offer removes the button, so one offer acts at most once.
      await respond({ response_type: "ephemeral", replace_original: true, text: answer });
      log.info(`${button.what} button answered`);
    },
  );
}
