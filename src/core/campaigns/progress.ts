import type { Campaign, RecipientCounts } from "../ports/campaigns.js";
import type { CustomerChannel } from "../ports/channel.js";
import type { CampaignProgressView } from "../ports/slack.js";
import { excludedTotal, exclusionSummary } from "./audience.js";
import { quoted } from "./quote.js";

/** The campaign's one message in its channel: what it says, how far it got, and Stop while it is sending. */
export function campaignProgressView(
  campaign: Campaign,
  counts: RecipientCounts,
  channel: CustomerChannel,
): CampaignProgressView {
  const to = campaign.audience === "all" ? "all customers" : `#${campaign.audience}`;
  const from = `${channel.label} ${channel.formatAddress(campaign.inboxAddress)}`;
  const total = counts.pending + counts.sending + counts.sent + counts.failed + counts.skipped;
  const excluded = excludedTotal(campaign.excluded) + counts.skipped;
  const why = exclusionSummary(campaign.excluded);
  const state =
    campaign.status === "done"
      ? "✅ *Finished*"
      : campaign.status === "stopped"
        ? `⏹️ *Stopped*${campaign.stoppedBy ? ` by <@${campaign.stoppedBy}>` : ""}: ${counts.pending + counts.sending} not sent`
        : `⏳ *Sending* — ${counts.pending + counts.sending} to go (only 09:00–20:00 where each customer is)`;
  return {
    campaignId: campaign.id,
    text: [
      `📣 Campaign by <@${campaign.createdBy}> to ${to} from ${from}`,
      quoted(campaign.body),
      `${state}  ·  sent ${counts.sent} of ${total}  ·  failed ${counts.failed}  ·  excluded ${excluded}${why ? ` (${why}${counts.skipped > 0 ? `, ${counts.skipped} since` : ""})` : ""}`,
    ].join("\n"),
    stoppable: campaign.status === "sending",
  };
}
