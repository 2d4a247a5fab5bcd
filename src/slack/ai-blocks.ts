import type { KnownBlock, ModalView } from "@slack/types";

/* The AI controls' Slack side: the parent's ✨ Draft reply button and ✨ Summarize menu option, the draft shown
 * to the person who asked (Send · Edit · Discard), and the Edit modal. A draft travels in its buttons' values
 * (at most 1,500 characters, under Slack's 2,000), so any instance can send it and nothing is kept in memory. */

export const aiActionIds = {
  draft: "threadline.ai.draft",
  send: "threadline.ai.send",
  edit: "threadline.ai.edit",
  discard: "threadline.ai.discard",
} as const;

/** The value of ✨ Summarize in the parent's ⋯ menu (the menu's other options set reminders). */
export const summarizeChoice = "ai.summarize";

export const editDraftCallbackId = "threadline.ai.editDraft";
export const draftInputIds = { block: "draft", action: "text" } as const;

const draftBlockPrefix = "threadline.aiDraft:";

/** Which draft a button belongs to: its conversation, and the draft's own id (one draft is sent once). */
export interface DraftRef {
  readonly conversationId: number;
  readonly draftId: string;
}

export function draftFromBlock(blockId: string | undefined): DraftRef | null {
  if (!blockId?.startsWith(draftBlockPrefix)) return null;
  const [conversation, draftId] = blockId.slice(draftBlockPrefix.length).split(":");
  const conversationId = Number(conversation);
  if (!Number.isSafeInteger(conversationId) || conversationId <= 0 || !draftId) return null;
  return { conversationId, draftId };
}

/** The draft, shown only to the person who asked, with what they can do with it. */
export function draftBlocks(draft: DraftRef, text: string, model: string): KnownBlock[] {
  return [
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `✨ *Draft reply* by the AI model \`${model}\`: only you see it, and nothing is sent until you click *Send*.`,
        },
      ],
    },
    { type: "section", text: { type: "plain_text", text, emoji: false } },
    {
      type: "actions",
      block_id: `${draftBlockPrefix}${draft.conversationId}:${draft.draftId}`,
      elements: [
        {
          type: "button",
          action_id: aiActionIds.send,
          text: { type: "plain_text", text: "Send" },
          style: "primary",
          value: text,
        },
        {
          type: "button",
          action_id: aiActionIds.edit,
          text: { type: "plain_text", text: "Edit" },
          value: text,
        },
        {
          type: "button",
          action_id: aiActionIds.discard,
          text: { type: "plain_text", text: "Discard" },
          value: draft.draftId,
        },
      ],
    },
  ];
}

/** What the Edit modal carries back: the draft, its channel and its response_url (to remove it once sent). */
export interface EditedDraft extends DraftRef {
  readonly channelId: string;
  readonly responseUrl: string | null;
}

export function editDraftModal(text: string, draft: EditedDraft): ModalView {
  return {
    type: "modal",
    callback_id: editDraftCallbackId,
    private_metadata: JSON.stringify(draft),
    title: { type: "plain_text", text: "Edit the draft" },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: draftInputIds.block,
        label: { type: "plain_text", text: "Your reply to the customer" },
        element: {
          type: "plain_text_input",
          action_id: draftInputIds.action,
          multiline: true,
          initial_value: text,
          max_length: 1_500,
        },
      },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "Sent under your name, like a reply you type in the thread." }],
      },
    ],
  };
}

export function parseEditedDraft(metadata: string): EditedDraft | null {
  try {
    const parsed = JSON.parse(metadata) as Partial<EditedDraft>;
    if (
      typeof parsed.conversationId !== "number" ||
      typeof parsed.draftId !== "string" ||
      typeof parsed.channelId !== "string"
    ) {
      return null;
    }
    return {
      conversationId: parsed.conversationId,
      draftId: parsed.draftId,
      channelId: parsed.channelId,
      responseUrl: typeof parsed.responseUrl === "string" ? parsed.responseUrl : null,
    };
  } catch {
    return null;
  }
}
