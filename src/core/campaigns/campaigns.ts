import { kindsOf } from "../command-help.js";
import type { ChannelMembership } from "../membership.js";
import type { Inbox } from "../model.js";
import type { CampaignStore } from "../ports/campaigns.js";
import type { ChannelRegistry, CustomerChannel } from "../ports/channel.js";
import type { CoreLogger } from "../ports/logger.js";
import type { DeliveryQueue } from "../ports/queue.js";
import type { ConversationStore } from "../ports/store.js";
import type { StartPolicy } from "../start-limits.js";
import { type Audience, chooseRecipients, excludedTotal, exclusionSummary } from "./audience.js";
import { campaignBody } from "./campaign-body.js";
import type { CampaignRequest } from "./campaign-command.js";
import { campaignProgressJob, campaignSendJob } from "./jobs.js";
import { quoted } from "./quote.js";

/** The preview's buttons carry the draft's id; everything is checked again when one is clicked. */
export interface CampaignOffer {
  readonly campaignId: number;
}

export interface CampaignSettings {
  /** THREADLINE_SENDERS; empty: anyone in the channel. */
  readonly senders: readonly string[];
  /** THREADLINE_ADMINS, who may send campaigns too. */
  readonly admins: readonly string[];
  /** CAMPAIGN_RATE_PER_SECOND. */
  readonly ratePerSecond: number;
}

interface Place {
  readonly channelId: string;
  readonly userId: string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function duration(seconds: number): string {
  if (seconds < 90) return plural(Math.max(1, Math.round(seconds)), "second");
  if (seconds < 90 * 60) return plural(Math.round(seconds / 60), "minute");
  return `${(seconds / 3600).toFixed(1)} hours`;
}

/**
 * `/threadline campaign`: a preview of who a message to tagged customers (or all) of an inbox reaches and who is
 * left out, then Send, Cancel, and Stop once sending. The sending itself is a chain of jobs (campaign-send.ts).
 */
export class Campaigns {
  constructor(
    private readonly store: Pick<ConversationStore, "inboxesForChannel">,
    private readonly campaigns: CampaignStore,
    private readonly queue: Pick<DeliveryQueue, "enqueue">,
    private readonly channels: ChannelRegistry,
    private readonly membership: ChannelMembership,
    private readonly starting: StartPolicy,
    private readonly settings: CampaignSettings,
    private readonly logger: CoreLogger,
    private readonly now: () => number = Date.now,
  ) {}

  async preview(
    request: CampaignRequest,
    place: Place,
  ): Promise<{ text: string; campaignOffer?: CampaignOffer }> {
    const refused = await this.refusal(place);
    if (refused) return { text: refused };
    const found = await this.inbox(request.from, place.channelId);
    if ("problem" in found) {
      this.logger.info({ ...place, reason: found.problem }, "campaign refused");
      return { text: found.problem };
    }
    const { inbox, channel } = found;
    const body = campaignBody(request.message, channel);
    if ("problem" in body) return { text: body.problem };
    const audience = await this.audience(inbox, channel, request.tag);
    const to = request.tag === null ? "all customers" : `#${request.tag}`;
    const from = `${channel.label} ${channel.formatAddress(inbox.address)}`;
    const left = exclusionSummary(audience.excluded);
    const lines = [`📣 *Campaign preview* — to ${to} from ${from}`, quoted(body.text)];
    const count = audience.recipients.length;
    if (count === 0) {
      const none =
        request.tag !== null && excludedTotal(audience.excluded) === 0
          ? `No customer is tagged #${request.tag}. Tag them in their thread with \`tag: ${request.tag}\`, or with \`/threadline tag +15557654321 ${request.tag}\`.`
          : `Nobody to send it to${left ? `: ${left}` : ""}. Only customers who have texted this inbox, and have not opted out, get campaigns.`;
      return { text: [...lines, none].join("\n") };
    }
    const campaignId = await this.campaigns.createDraft({
      inboxId: inbox.id,
      slackChannelId: place.channelId,
      createdBy: place.userId,
      audience: request.tag ?? "all",
      body: body.text,
      now: this.now(),
    });
    const rate = this.settings.ratePerSecond;
    lines.push(
      `It will reach *${plural(count, "customer")}*${audience.waiting > 0 ? ` (${audience.waiting} after their 09:00: it is quiet hours where they are)` : ""}.`,
      left ? `Left out: ${left}.` : "Nobody is left out.",
      `Sent at ${rate} a second from this number (about ${duration(count / rate)}), only between 09:00 and 20:00 in each customer's time zone. No thread is started: a customer's thread starts when they answer.`,
    );
    this.logger.info(
      { ...place, campaignId, recipients: count, excluded: audience.excluded },
      "campaign previewed",
    );
    return { text: lines.join("\n"), campaignOffer: { campaignId } };
  }

  /** **Send** on the preview: the audience is chosen again now, and the first job of the chain queued. */
  async send(offer: CampaignOffer, place: Place): Promise<string> {
    const campaign = await this.campaigns.campaign(offer.campaignId);
    if (!campaign || campaign.slackChannelId !== place.channelId) {
      return "This button does not name a campaign of this channel, so nothing was sent.";
    }
    if (campaign.status !== "draft") return this.alreadyDecided(campaign.status);
    const refused = await this.refusal(place);
    if (refused) return `${refused} Nothing was sent.`;
    const channel = this.channels[campaign.inboxKind as Inbox["kind"]];
    const inboxes = await this.store.inboxesForChannel(place.channelId);
    const inbox = inboxes.find((candidate) => candidate.id === campaign.inboxId);
    if (!inbox || !channel?.enabled) {
      return "The campaign's inbox is no longer connected to this channel (or not configured), so nothing was sent.";
    }
    const audience = await this.audience(
      inbox,
      channel,
      campaign.audience === "all" ? null : campaign.audience,
    );
    const now = this.now();
    if (!(await this.campaigns.start(campaign.id, audience.recipients, audience.excluded, now))) {
      return this.alreadyDecided((await this.campaigns.campaign(campaign.id))?.status ?? "cancelled");
    }
    // Started first, then queued: a crash between the two is taken up by `resume` at the next start.
    await this.queue.enqueue([campaignProgressJob(campaign.id), campaignSendJob(campaign.id, 0)]);
    this.logger.info(
      {
        ...place,
        campaignId: campaign.id,
        recipients: audience.recipients.length,
        excluded: audience.excluded,
      },
      "campaign started",
    );
    return `Sending to ${plural(audience.recipients.length, "customer")}. Its progress shows in the channel, with a *Stop campaign* button.`;
  }

  async cancel(offer: CampaignOffer, place: Place): Promise<string> {
    const campaign = await this.campaigns.campaign(offer.campaignId);
    if (!campaign || campaign.slackChannelId !== place.channelId) {
      return "This button does not name a campaign of this channel.";
    }
    if (!(await this.campaigns.cancel(campaign.id, this.now()))) return this.alreadyDecided(campaign.status);
    this.logger.info({ ...place, campaignId: campaign.id }, "campaign cancelled");
    return "Cancelled: nothing was sent.";
  }

  /** **Stop campaign** on the progress message: whoever may send campaigns here may stop one. */
  async stop(campaignId: number, place: Place): Promise<string> {
    const campaign = await this.campaigns.campaign(campaignId);
    if (!campaign || campaign.slackChannelId !== place.channelId) {
      return "This button does not name a campaign of this channel, so nothing was stopped.";
    }
    const refused = await this.refusal(place);
    if (refused) {
      this.logger.warn({ ...place, campaignId, reason: refused }, "campaign stop refused");
      return `${refused} The campaign goes on.`;
    }
    if (!(await this.campaigns.stop(campaignId, place.userId, this.now()))) {
      return campaign.status === "done"
        ? "The campaign had already finished."
        : "The campaign was already stopped.";
    }
    await this.queue.enqueue([campaignProgressJob(campaignId)]);
    this.logger.info({ ...place, campaignId }, "campaign stopped");
    return "Stopped: nobody else gets it. The channel message shows who got it.";
  }

  /** Takes up the job chains of campaigns still sending (a crash may have cut one); a duplicate job does nothing. */
  async resume(): Promise<number> {
    const sending = await this.campaigns.sendingCampaigns();
    if (sending.length > 0) {
      await this.queue.enqueue(sending.map((campaign) => campaignSendJob(campaign.id, campaign.tick)));
      this.logger.info({ campaigns: sending.map((campaign) => campaign.id) }, "campaigns taken up");
    }
    return sending.length;
  }

  private alreadyDecided(status: string): string {
    if (status === "cancelled") return "This campaign was cancelled, so nothing was sent.";
    return "This campaign was already sent (its progress shows in the channel); it is sent once.";
  }

  private async audience(inbox: Inbox, channel: CustomerChannel, tag: string | null): Promise<Audience> {
    const members = await this.campaigns.audience(inbox.id, inbox.kind, tag);
    return chooseRecipients(members, channel, await this.starting.allowedCountries(channel), this.now());
  }

  /** Campaigns speak for the business to many: only THREADLINE_SENDERS (or admins) in the channel may send them. */
  private async refusal(place: Place): Promise<string | null> {
    const { senders, admins } = this.settings;
    if (senders.length > 0 && !senders.includes(place.userId) && !admins.includes(place.userId)) {
      const names = senders.map((id) => `<@${id}>`).join(", ");
      this.logger.warn({ ...place }, "campaign refused: not a sender");
      return `Only some people may send campaigns (THREADLINE_SENDERS): ${names}. Ask one of them.`;
    }
    return this.membership.refusal(place.userId, place.channelId, "send campaigns from it");
  }

  /** The inbox of the channel the campaign goes from (one whose channel lets a business write first), or why none. */
  private async inbox(
    from: string | null,
    channelId: string,
  ): Promise<{ inbox: Inbox; channel: CustomerChannel } | { problem: string }> {
    const inboxes = await this.store.inboxesForChannel(channelId);
    const named = from
      ? inboxes.filter((inbox) => this.channels[inbox.kind].parseInboxAddress(from) === inbox.address)
      : inboxes;
    if (from && named.length === 0) {
      return { problem: `${from} is not an inbox of this channel. \`/threadline status\` lists them.` };
    }
    const able = named.filter((inbox) => this.channels[inbox.kind].capabilities.firstMessage !== "never");
    if (able.length === 0) {
      const refusing = named.map((inbox) => this.channels[inbox.kind].label);
      const writers = kindsOf(this.channels)
        .map((kind) => this.channels[kind])
        .filter((channel) => channel.capabilities.firstMessage !== "never")
        .map((channel) => channel.label)
        .join(" or ");
      return {
        problem:
          refusing.length > 0
            ? `${[...new Set(refusing)].join(" and ")} doesn't allow campaigns: a business may not write first to people there (its provider forbids it). Campaigns go from an inbox of ${writers}.`
            : `No ${writers} inbox is connected to this channel, so there is nothing to send a campaign from. \`/threadline help\` says how to connect one.`,
      };
    }
    if (able.length > 1) {
      const list = able.map((inbox) => `\`${inbox.address}\``).join(", ");
      return {
        problem: `This channel has several inboxes (${list}): say which one sends it, e.g. \`/threadline campaign #vip from ${able[0]?.address} …\`.`,
      };
    }
    const inbox = able[0] as Inbox;
    const channel = this.channels[inbox.kind];
    if (!channel.enabled) {
      return {
        problem: `${channel.label} is not configured on this Threadline server, so nothing can be sent.`,
      };
    }
    return { inbox, channel };
  }
}
