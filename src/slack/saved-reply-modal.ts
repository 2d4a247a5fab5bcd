import type { View } from "@slack/types";
import type { FormPlace } from "../core/saved-replies.js";

/* The modal of the parent's shortcut "Reply with a saved reply": pick a saved reply, edit the filled-in text,
 * send. Its place (channel, thread) travels in private_metadata; the person is the one who submits it. */

export const savedReplyShortcutId = "threadline.savedReply";
export const savedReplyViewId = "threadline.savedReply.form";
export const savedReplyPickId = "threadline.savedReply.pick";
export const savedReplyTextId = "threadline.savedReply.text";

const title = { type: "plain_text", text: "Saved reply" } as const;

export function placeOf(metadata: string, userId: string): FormPlace | null {
  try {
    const { channelId, threadTs } = JSON.parse(metadata) as { channelId?: unknown; threadTs?: unknown };
    return typeof channelId === "string" && typeof threadTs === "string"
      ? { channelId, threadTs, userId }
      : null;
  } catch {
    return null;
  }
}

/** Why the form can't be used, as a modal with nothing to submit. */
export function refusalModal(reason: string): View {
  return {
    type: "modal",
    title,
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: reason } }],
  };
}

/** The form: the saved replies to pick from and, once one is picked, its filled-in text to edit and send. */
export function savedReplyModal(
  place: FormPlace,
  names: readonly string[],
  picked: { readonly name: string; readonly text: string } | null,
): View {
  return {
    type: "modal",
    callback_id: savedReplyViewId,
    private_metadata: JSON.stringify({ channelId: place.channelId, threadTs: place.threadTs }),
    title,
    close: { type: "plain_text", text: "Cancel" },
    ...(picked ? { submit: { type: "plain_text", text: "Send" } } : {}),
    blocks: [
      {
        type: "section",
        block_id: "pick",
        text: { type: "mrkdwn", text: "Pick a saved reply of this channel:" },
        accessory: {
          type: "static_select",
          action_id: savedReplyPickId,
          placeholder: { type: "plain_text", text: "Saved replies" },
          options: names.slice(0, 100).map((name) => ({
            text: { type: "plain_text", text: `;${name}`.slice(0, 75) },
            value: name,
          })),
          ...(picked
            ? {
                initial_option: { text: { type: "plain_text", text: `;${picked.name}` }, value: picked.name },
              }
            : {}),
        },
      },
      ...(picked
        ? [
            {
              type: "input" as const,
              // A block id per saved reply: Slack keeps what was typed per block, so picking another one shows its text.
              block_id: `text-${picked.name}`,
              label: { type: "plain_text" as const, text: "Message to the customer" },
              element: {
                type: "plain_text_input" as const,
                action_id: savedReplyTextId,
                multiline: true,
                initial_value: picked.text,
              },
            },
          ]
        : []),
    ],
  };
}
