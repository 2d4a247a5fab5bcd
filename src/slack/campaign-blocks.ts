import type { KnownBlock } from "@slack/types";
import type { CampaignProgressView } from "../core/ports/slack.js";

export const campaignActionIds = {
  send: "threadline.campaignSend",
  cancel: "threadline.campaignCancel",
  stop: "threadline.campaignStop",
} as const;

/** The preview's **Send** and **Cancel**, each carrying the draft's id. */
export function campaignOfferBlocks(text: string, campaignId: number): KnownBlock[] {
  const value = JSON.stringify({ campaignId });
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: campaignActionIds.send,
          text: { type: "plain_text", text: "Send" },
          style: "primary",
          value,
        },
        {
          type: "button",
          action_id: campaignActionIds.cancel,
          text: { type: "plain_text", text: "Cancel" },
          value,
        },
      ],
    },
  ];
}

/** The progress message, with **Stop campaign** while it is sending. */
export function campaignProgressBlocks(view: CampaignProgressView): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text: view.text } },
    ...(view.stoppable
      ? [
          {
            type: "actions" as const,
            elements: [
              {
                type: "button" as const,
                action_id: campaignActionIds.stop,
                text: { type: "plain_text" as const, text: "Stop campaign" },
                style: "danger" as const,
                value: String(view.campaignId),
              },
            ],
          },
        ]
      : []),
  ];
}
