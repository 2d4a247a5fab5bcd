import type { BlockAction, ButtonAction } from "@slack/bolt";
import {
  aiActionIds,
  draftFromBlock,
  draftInputIds,
  editDraftCallbackId,
  editDraftModal,
  parseEditedDraft,
} from "../../ai-blocks.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";
import { aiAnswer, notConfigured } from "./answers.js";

/**
 * Send · Edit · Discard under a draft only its person sees. Send (or the Edit modal's Send) posts it as their
 * reply and sends it like one they typed; Discard just removes it. Nothing reaches a customer without one of
 * these clicks.
 */
export function register(app: SlackListeners, { ai, logger }: ListenerDependencies): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: aiActionIds.send },
    async ({ body, action, ack, respond }) => {
      await ack();
      const draft = draftFromBlock(action.block_id);
      const context = { userId: body.user.id, channelId: body.channel?.id ?? body.container?.channel_id };
      const outcome =
        ai === null || draft === null
          ? notConfigured
          : await aiAnswer(ai.assistant.sendDraft(draft, action.value ?? "", context), logger, "send");
      if (outcome.result === "refused") {
        await respond({ response_type: "ephemeral", replace_original: false, text: outcome.reason });
        return;
      }
      await respond({ delete_original: true });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    { action_id: aiActionIds.discard },
    async ({ body, action, ack, respond }) => {
      await ack();
      logger.info(
        { conversationId: draftFromBlock(action.block_id)?.conversationId, user: body.user.id },
        "AI draft discarded",
      );
      await respond({ delete_original: true });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    { action_id: aiActionIds.edit },
    async ({ body, action, ack, client, respond }) => {
      await ack();
      const draft = draftFromBlock(action.block_id);
      const channelId = body.channel?.id ?? body.container?.channel_id;
      if (draft === null || !channelId) return;
      await client.views
        .open({
          trigger_id: body.trigger_id,
          view: editDraftModal(action.value ?? "", {
            ...draft,
            channelId,
            responseUrl: body.response_url ?? null,
          }),
        })
        .catch(async (error: unknown) => {
          logger.warn(
            { err: error, conversationId: draft.conversationId, user: body.user.id },
            "could not open the draft editor",
          );
          await respond({
            response_type: "ephemeral",
            replace_original: false,
            text: "The editor could not be opened; click Edit again.",
          });
        });
    },
  );

  app.view(editDraftCallbackId, async ({ ack, view, body, client }) => {
    const text = view.state.values[draftInputIds.block]?.[draftInputIds.action]?.value ?? "";
    const draft = parseEditedDraft(view.private_metadata);
    if (!text.trim()) {
      await ack({
        response_action: "errors",
        errors: { [draftInputIds.block]: "Write a reply, or Cancel." },
      });
      return;
    }
    await ack();
    const userId = body.user.id;
    const outcome =
      ai === null || draft === null
        ? notConfigured
        : await aiAnswer(
            ai.assistant.sendDraft(draft, text, { userId, channelId: draft.channelId }),
            logger,
            "send",
          );
    if (outcome.result === "refused") {
      if (draft) {
        await client.chat
          .postEphemeral({ channel: draft.channelId, user: userId, text: outcome.reason })
          .catch((error: unknown) => logger.warn({ err: error, user: userId }, "could not tell why"));
      }
      return;
    }
    // The draft it came from is done with: removed, so it can't be sent a second time.
    if (draft?.responseUrl) {
      await fetch(draft.responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ delete_original: true }),
      }).catch((error: unknown) => logger.warn({ err: error, user: userId }, "could not remove the draft"));
    }
  });
}
