import type { NewJob } from "../ports/queue.js";

/*
 * A campaign's jobs have lanes of their own: its sends one at a time (the chain), its progress edits apart, so a
 * slow Slack never holds back the sending. The lane names hold no bare number after the first colon: they are
 * not a conversation's (lane-names.ts).
 */
export const campaignSendLane = (campaignId: number) => `campaign:${campaignId}:send`;
export const campaignProgressLane = (campaignId: number) => `campaign:${campaignId}:progress`;

/** Link `tick` of the campaign's chain: sends to the next recipient due, then queues link `tick + 1`. */
export const campaignSendJob = (campaignId: number, tick: number, runAt?: number): NewJob => ({
  lane: campaignSendLane(campaignId),
  kind: "campaign.send",
  payload: { campaignId, tick },
  ...(runAt === undefined ? {} : { runAt }),
});

export const campaignProgressJob = (campaignId: number): NewJob => ({
  lane: campaignProgressLane(campaignId),
  kind: "campaign.progress",
  payload: { campaignId },
});
