import { campaignProgressView } from "../../campaigns/progress.js";
import { DeliveryError } from "../../errors.js";
import type { ChannelKind } from "../../model.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";

/** Posts the campaign's progress message, or edits it with the counts as they are now. */
export function campaignProgress({ campaigns, channels, slack, logger }: HandlerDependencies) {
  return async (job: Extract<Job, { kind: "campaign.progress" }>) => {
    if (!campaigns)
      throw new DeliveryError("CAMPAIGNS_OFF", "campaigns are not set up here", { transient: false });
    const campaign = await campaigns.store.campaign(job.payload.campaignId);
    if (!campaign) return;
    const counts = await campaigns.store.counts(campaign.id);
    const view = campaignProgressView(campaign, counts, channels[campaign.inboxKind as ChannelKind]);
    if (campaign.progressTs) {
      await slack.updateCampaignProgress(campaign.slackChannelId, campaign.progressTs, view);
    } else {
      // An attempt cut off after Slack accepted the post (a crash, no answer) is found instead of posted twice.
      const { slackChannelId, id } = campaign;
      const earlier = job.uncertain
        ? () => slack.findCampaignProgress(slackChannelId, id, job.createdAt)
        : undefined;
      const { ts } = await slack.postCampaignProgress(slackChannelId, view, earlier);
      await campaigns.store.setProgressTs(campaign.id, ts);
    }
    logger.info({ campaignId: campaign.id, status: campaign.status, ...counts }, "campaign progress shown");
  };
}
