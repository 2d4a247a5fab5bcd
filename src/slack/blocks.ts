import type { KnownBlock } from "@slack/types";
import type { ParentView } from "../core/ports/slack.js";
import { reminderChoices } from "../core/reminder-time.js";
import { escapeForSlack } from "../core/text.js";
import { aiActionIds, summarizeChoice } from "./ai-blocks.js";

/** Slack renders `<!date^…>` in each reader's own time zone; the fallback is for clients that can't. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${date.toISOString()}>`;
}

function stateLine(view: ParentView): string {
  const parts =
    view.status === "closed"
      ? [
          `✅ *Closed*${view.closedBy ? ` by <@${view.closedBy}>` : ""}${view.closedAt ? ` ${slackDate(view.closedAt)}` : ""}`,
        ]
      : ["🟢 *Open*"];
  parts.push(view.assigneeId ? `Assigned to <@${view.assigneeId}>` : "Unassigned");
  if (view.optedOut) parts.push("🚫 *Opted out* — replies are not sent");
  if (view.tags && view.tags.length > 0) parts.push(`🏷️ ${view.tags.map(escapeForSlack).join(", ")}`);
  return parts.join("  ·  ");
}

/** Action ids of the parent's controls; the conversation id travels in the block id. */
export const actionIds = {
  assign: "threadline.assign",
  close: "threadline.close",
  reopen: "threadline.reopen",
} as const;

/**
 * "View all messages": the button carries no link; a click gets the person a fresh, short-lived one.
 * Parents posted before carry a link button with the legacy id; a click on one gets a fresh link too.
 */
export const transcriptActionIds = {
  current: "threadline.transcript_link",
  legacy: "threadline.transcript",
} as const;

/** "Remind me": an overflow menu on an open conversation's parent; the chosen option's value is the choice. */
export const remindActionId = "threadline.remind";

/** "Send again" under the notice of a reply whose outcome is unknown; the button's value is the reply's id. */
export const sendAgainActionId = "threadline.sendAgain";

/** A thread line with a **Send again** button for the reply `messageId`. */
export function sendAgainBlocks(text: string, messageId: number): KnownBlock[] {
  return buttonBlocks(text, sendAgainActionId, "Send again", String(messageId));
}

export const cancelScheduledActionId = "threadline.cancelScheduled";

/** The line of a scheduled message, with the **Cancel** button anyone in the channel may use. */
export function cancelScheduledBlocks(text: string, scheduledId: number): KnownBlock[] {
  return buttonBlocks(text, cancelScheduledActionId, "Cancel", String(scheduledId));
}

function buttonBlocks(text: string, actionId: string, label: string, value: string): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [{ type: "button", action_id: actionId, text: { type: "plain_text", text: label }, value }],
    },
  ];
}

const actionsBlockPrefix = "threadline.conversation:";

export function conversationIdFromBlockId(blockId: string | undefined): number | null {
  if (!blockId?.startsWith(actionsBlockPrefix)) return null;
  const id = Number(blockId.slice(actionsBlockPrefix.length));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** What the parent offers besides the conversation's own controls. */
export interface ParentOptions {
  /** An AI model is configured: ✨ Draft reply, and ✨ Summarize in the ⋯ menu. */
  readonly ai: boolean;
}

function controls(view: ParentView, assigneeName: string | null, options: ParentOptions): KnownBlock {
  const closed = view.status === "closed";
  // The menu shows who has the conversation, as Slack shows a select's chosen option.
  const assigned =
    view.assigneeId && assigneeName
      ? {
          initial_option: {
            text: { type: "plain_text" as const, text: assigneeName.slice(0, 75) },
            value: view.assigneeId,
          },
        }
      : {};
  return {
    type: "actions",
    block_id: `${actionsBlockPrefix}${view.conversationId}`,
    elements: [
      {
        type: "external_select",
        action_id: actionIds.assign,
        placeholder: { type: "plain_text", text: "Assign to team member" },
        min_query_length: 0,
        ...assigned,
      },
      closed
        ? {
            type: "button",
            action_id: actionIds.reopen,
            text: { type: "plain_text", text: "Reopen" },
            value: String(view.conversationId),
          }
        : {
            type: "button",
            action_id: actionIds.close,
            text: { type: "plain_text", text: "Close" },
            value: String(view.conversationId),
            style: "primary",
          },
      ...(closed || !options.ai
        ? []
        : [
            {
              type: "button" as const,
              action_id: aiActionIds.draft,
              text: { type: "plain_text" as const, text: "✨ Draft reply" },
              value: String(view.conversationId),
            },
          ]),
      ...(closed
        ? []
        : [
            {
              type: "overflow" as const,
              action_id: remindActionId,
              options: [
                ...Object.entries(reminderChoices).map(([value, text]) => ({
                  text: { type: "plain_text" as const, text: `⏰ Remind me ${text}` },
                  value,
                })),
                ...(options.ai
                  ? [{ text: { type: "plain_text" as const, text: "✨ Summarize" }, value: summarizeChoice }]
                  : []),
              ],
            },
          ]),
      ...(view.transcriptButton
        ? [
            {
              type: "button" as const,
              action_id: transcriptActionIds.current,
              text: { type: "plain_text" as const, text: "View all messages" },
              value: String(view.conversationId),
            },
          ]
        : []),
    ],
  };
}

/**
 * The thread's parent: who the customer is, where they wrote, and the conversation's current state.
 * `assigneeName`: the assignee's name as Slack shows it, for the assign menu.
 */
export function parentMessage(
  view: ParentView,
  assigneeName: string | null = null,
  options: ParentOptions = { ai: false },
): { text: string; blocks: KnownBlock[] } {
  const who = `*${escapeForSlack(view.channelLabel)}* · ${escapeForSlack(view.contactAddress)} → inbox ${escapeForSlack(view.inboxAddress)}`;
  const details: KnownBlock = view.contactAvatarUrl
    ? {
        type: "section",
        text: { type: "mrkdwn", text: who },
        accessory: { type: "image", image_url: view.contactAvatarUrl, alt_text: view.title },
      }
    : { type: "section", text: { type: "mrkdwn", text: who } };
  return {
    // The fallback Slack shows in notifications and clients without blocks: mrkdwn too, so the name is escaped.
    text: `${escapeForSlack(view.title)} (${escapeForSlack(view.channelLabel)}, ${view.status})`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: view.title.slice(0, 150), emoji: false } },
      details,
      { type: "context", elements: [{ type: "mrkdwn", text: stateLine(view) }] },
      controls(view, assigneeName, options),
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `Replies in this thread are sent to the customer by ${escapeForSlack(view.channelLabel)}; start a message with \`note:\` to keep it internal.`,
          },
        ],
      },
    ],
  };
}
