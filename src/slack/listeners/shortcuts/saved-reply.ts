import type { BlockAction, MessageShortcut, StaticSelectAction } from "@slack/bolt";
import { escapeForSlack } from "../../../core/text.js";
import {
  placeOf,
  refusalModal,
  savedReplyModal,
  savedReplyPickId,
  savedReplyShortcutId,
  savedReplyTextId,
  savedReplyViewId,
} from "../../saved-reply-modal.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/**
 * "Reply with a saved reply" on a conversation's message: opens the form (shortcut), fills the picked saved reply
 * in (select), sends the edited text as the person's reply (submission). The core decides each step.
 */
export function register(
  app: SlackListeners,
  { savedReplyForm, conversations, logger }: ListenerDependencies,
): void {
  app.shortcut<MessageShortcut>(savedReplyShortcutId, async ({ shortcut, ack, client }) => {
    await ack();
    const place = {
      channelId: shortcut.channel.id,
      threadTs: (shortcut.message.thread_ts as string | undefined) ?? shortcut.message_ts,
      userId: shortcut.user.id,
    };
    const offer = await savedReplyForm.offer(place);
    const view =
      "refused" in offer
        ? refusalModal(offer.refused)
        : savedReplyModal(
            place,
            offer.snippets.map((snippet) => snippet.name),
            null,
          );
    await client.views.open({ trigger_id: shortcut.trigger_id, view });
  });

  app.action<BlockAction<StaticSelectAction>>(savedReplyPickId, async ({ body, action, ack, client }) => {
    await ack();
    const place = body.view && placeOf(body.view.private_metadata, body.user.id);
    if (!body.view || !place) return;
    const name = action.selected_option.value;
    const filled = await savedReplyForm.text(place, name);
    const offer = await savedReplyForm.offer(place);
    const view =
      "refused" in filled
        ? refusalModal(filled.refused)
        : "refused" in offer
          ? refusalModal(offer.refused)
          : savedReplyModal(
              place,
              offer.snippets.map((snippet) => snippet.name),
              { name, text: filled.text },
            );
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
  });

  app.view(savedReplyViewId, async ({ view, body, ack }) => {
    const place = placeOf(view.private_metadata, body.user.id);
    const textBlock = Object.keys(view.state.values).find((blockId) => blockId.startsWith("text-"));
    const typed = textBlock ? view.state.values[textBlock]?.[savedReplyTextId]?.value?.trim() : undefined;
    const error = (text: string) =>
      ack({ response_action: "errors", errors: { [textBlock ?? "pick"]: text.slice(0, 150) } });
    if (!place || !typed) return error("Pick a saved reply and write the message to send.");
    const refusal = await savedReplyForm.senderRefusal(place);
    if (refusal) return error(refusal);
    const outcome = await conversations.agentReplied({
      ...place,
      // The form's own id: submitting it twice sends once.
      ts: `form:${view.id}`,
      text: escapeForSlack(typed),
      files: [],
      fromForm: true,
    });
    logger.info({ ...place, outcome: outcome.result }, "saved-reply form submitted");
    if (outcome.result === "refused") return error(outcome.reason);
    await ack();
  });
}
