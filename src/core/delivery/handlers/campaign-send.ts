import { exclusionReasons } from "../../campaigns/audience.js";
import { campaignProgressJob, campaignSendJob } from "../../campaigns/jobs.js";
import { recipientZones, SendingTimes } from "../../campaigns/recipient-hours.js";
import { DeliveryError, errorMessage } from "../../errors.js";
import type { ChannelKind } from "../../model.js";
import type { Campaign, CampaignRecipient } from "../../ports/campaigns.js";
import type { CustomerChannel, OutboundRequest } from "../../ports/channel.js";
import type { PaceSlots } from "../../ports/pacing.js";
import type { Job } from "../../ports/queue.js";
import { parseTemplateReply } from "../../templates.js";
import { LookupFailed } from "../earlier-attempts.js";
import type { HandlerDependencies } from "./dependencies.js";

/**
 * One link of the chain goes on for at most this long or this many recipients, then queues the next: long enough
 * that a fast pace does not pay a job per recipient, short enough that the lane is never held for long.
 */
const linkMs = 1_000;
const recipientsPerLink = 500;
/** How often a link reads whether its campaign was stopped. */
const stopCheckMs = 250;
/** Sends under way at once in one link, at most. */
const maxInFlight = 8;

/**
 * One link of a campaign's chain (decision 0032): settles an attempt a crash left unresolved, sends to the
 * recipients due at the campaign's pace for about a second, then queues the next link, or the link at the next
 * recipient's 09:00, or finishes. A recipient is marked `sending` (committed) before the provider is called and `sent` with the
 * provider's id once it accepted; one found `sending` is looked for in the provider's log before anything else,
 * so nobody gets it twice. The links are numbered: one whose number is not the campaign's does nothing.
 */
export function campaignSend(deps: HandlerDependencies) {
  const { channels, logger, queue } = deps;
  const now = deps.now ?? Date.now;
  /** When this process last asked to edit each campaign's progress: the database is asked at that pace only. */
  const progressAskedAt = new Map<number, number>();
  const sendingTimes = new SendingTimes(now);

  return async (job: Extract<Job, { kind: "campaign.send" }>) => {
    const setup = deps.campaigns;
    if (!setup)
      throw new DeliveryError("CAMPAIGNS_OFF", "campaigns are not set up here", { transient: false });
    const { store } = setup;
    const { campaignId, tick } = job.payload;
    const campaign = await store.campaign(campaignId);
    if (campaign?.status !== "sending" || campaign.tick !== tick) return;
    const channel = channels[campaign.inboxKind as ChannelKind];
    const slots: PaceSlots = { intervalMs: Math.ceil(1000 / setup.ratePerSecond), burst: 1, spreadMs: 0 };

    const next = (runAt?: number) => chain(campaign, tick, runAt);
    const endsAt = now() + linkMs;
    let checkedAt = now();
    // Sends overlap (each recipient is marked `sending` before its own): a slow answer does not hold back the pace.
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | null = null;
    const settle = async () => {
      await Promise.all(inFlight);
      if (failure) throw failure.error;
    };
    /** Sends under way when it was stopped finish; the progress message then shows the final counts. */
    const stopped = async () => {
      await settle();
      await queue.enqueue([campaignProgressJob(campaignId)]);
    };

    for (let looked = 0; looked < recipientsPerLink && now() < endsAt && !failure; looked++) {
      // Before this link's first send, attempts left unresolved by an earlier link (or a crash) come first.
      const recipient =
        inFlight.size === 0 && !failure
          ? await store.nextRecipient(campaignId, now())
          : await store.dueRecipient(campaignId, now());
      if (!recipient) {
        await settle();
        if (await store.nextRecipient(campaignId, now())) return next();
        const due = await store.nextDueAt(campaignId);
        if (due !== null) {
          logger.info(
            { campaignId, tick, due: new Date(due).toISOString() },
            "campaign waits for its recipients' morning",
          );
          return next(due);
        }
        await store.finish(campaignId, now());
        await queue.enqueue([campaignProgressJob(campaignId)]);
        logger.info({ campaignId, tick }, "campaign finished");
        return;
      }
      const request = outboundRequest(campaign, recipient, channel);
      if ("problem" in request) {
        await store.markFailed(recipient.id, "failed", request.problem);
        continue;
      }
      if (recipient.status === "sending") {
        const settled = await settleEarlierAttempt(recipient, request, channel);
        if (settled) continue;
      } else {
        const held = await holdBack(recipient, channel);
        if (held) continue;
      }
      await awaitSlot(`campaign:${campaign.inboxAddress}`, slots);
      // Stop campaign: nobody is sent to once it is read (read at most every quarter second, and before a send
      // that waited for its slot that long).
      if (now() - checkedAt >= stopCheckMs) {
        checkedAt = now();
        if ((await store.campaign(campaignId))?.status !== "sending") return stopped();
      }
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      await store.markSending(recipient.id, now());
      const sending: Promise<void> = send(recipient, request, channel)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      await progress(campaignId);
    }
    await settle();
    if ((await store.campaign(campaignId))?.status !== "sending") return stopped();
    return next();
  };

  /** Queues link `tick + 1`, then lets it through: a crash between the two leaves a duplicate that does nothing. */
  async function chain(campaign: Campaign, tick: number, runAt?: number): Promise<void> {
    await queue.enqueue([campaignSendJob(campaign.id, tick + 1, runAt)]);
    await deps.campaigns?.store.advanceTick(campaign.id, tick);
  }

  /** A recipient not to send to now: opted out since, or in quiet hours where they are (then due at their 09:00). */
  async function holdBack(recipient: CampaignRecipient, channel: CustomerChannel): Promise<boolean> {
    const store = deps.campaigns?.store;
    if (!store) return true;
    if (recipient.optedOut) {
      await store.markFailed(recipient.id, "skipped", exclusionReasons.optedOut);
      return true;
    }
    const country = channel.addressCountry?.(recipient.address) ?? null;
    const at = sendingTimes.next(recipientZones(recipient.address, country));
    if (at === null) {
      await store.markFailed(recipient.id, "skipped", exclusionReasons.timeZone);
      return true;
    }
    if (at > now()) {
      await store.defer(recipient.id, at);
      return true;
    }
    return false;
  }

  /**
   * An attempt that began and never recorded its end (a crash, or no answer from the provider): sent if the
   * provider's log has it; sent now if the log says it did not go out; given up as unconfirmed when the log can't
   * tell (no log, a template whose text the log does not show, or look-ups failing for the patience). True when
   * settled without sending.
   */
  async function settleEarlierAttempt(
    recipient: CampaignRecipient,
    request: OutboundRequest,
    channel: CustomerChannel,
  ): Promise<boolean> {
    const store = deps.campaigns?.store;
    if (!store) return true;
    const since = recipient.attemptAt ?? 0;
    if (!channel.findSent || request.template) {
      await store.markFailed(recipient.id, "failed", "the provider could not confirm whether it went out");
      return true;
    }
    let found: readonly { providerMessageId: string }[];
    try {
      found = await channel.findSent(request, new Date(since));
    } catch (error) {
      if (now() - since < (deps.lookupPatienceMs ?? 5 * 60_000)) throw new LookupFailed(error);
      await store.markFailed(
        recipient.id,
        "failed",
        `could not confirm whether it went out: ${errorMessage(error)}`,
      );
      return true;
    }
    const [earlier] = found;
    if (earlier) {
      await store.markSent(recipient.id, earlier.providerMessageId, now());
      logger.info(
        { campaignId: recipient.campaignId, recipientId: recipient.id },
        "campaign message found sent",
      );
      return true;
    }
    return false;
  }

  async function send(
    recipient: CampaignRecipient,
    request: OutboundRequest,
    channel: CustomerChannel,
  ): Promise<void> {
    const store = deps.campaigns?.store;
    if (!store) return;
    try {
      await channel.send(request, (part) => store.markSent(recipient.id, part.providerMessageId, now()));
    } catch (error) {
      if (error instanceof DeliveryError && !error.transient) {
        await store.markFailed(recipient.id, "failed", error.reason);
        logger.warn(
          {
            campaignId: recipient.campaignId,
            recipientId: recipient.id,
            code: error.code,
            reason: error.reason,
          },
          "campaign message failed",
        );
        return;
      }
      // Surely not sent: back to pending, tried again after the backoff. Maybe sent: left `sending`, looked up.
      if (error instanceof DeliveryError && !error.outcomeUnknown)
        await store.defer(recipient.id, recipient.notBefore);
      throw error;
    }
  }

  /** Queues a progress edit when none was queued (by any instance) in the last `progressEveryMs`. */
  async function progress(campaignId: number): Promise<void> {
    const setup = deps.campaigns;
    const at = now();
    if (!setup || at - (progressAskedAt.get(campaignId) ?? 0) < setup.progressEveryMs) return;
    progressAskedAt.set(campaignId, at);
    if (await setup.store.claimProgressEdit(campaignId, at, setup.progressEveryMs)) {
      await queue.enqueue([campaignProgressJob(campaignId)]);
    }
  }

  /** Resolves at the campaign's slot on its number, shared by every instance; "paced" when none is free soon. */
  async function awaitSlot(key: string, slots: PaceSlots): Promise<void> {
    const pacing = deps.campaigns?.pacing;
    if (!pacing) return;
    const at = now();
    const reservation = await pacing.reserve(key, at, slots, slots.intervalMs);
    if (!reservation.granted) {
      throw new DeliveryError("PACED", "waiting for the campaign pace", {
        transient: true,
        category: "paced",
        retryAfterMs: reservation.retryAt - at,
      });
    }
    const wait = reservation.postAt - at;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** What goes to one recipient: the campaign's text, or its template; or why it can't go. */
function outboundRequest(
  campaign: Campaign,
  recipient: CampaignRecipient,
  channel: CustomerChannel,
): OutboundRequest | { problem: string } {
  if (!channel.enabled) return { problem: `${channel.label} is not configured on the Threadline server.` };
  const template = parseTemplateReply(campaign.body, channel.capabilities.templates, channel.label);
  if (template && "problem" in template) return { problem: template.problem };
  const parts = template ? [{ index: 0, text: "", media: [] }] : channel.replyParts(campaign.body, []);
  return {
    inboxAddress: campaign.inboxAddress,
    contactAddress: recipient.address,
    parts: parts.map((part) => ({ ...part, media: [] })),
    messageId: 0,
    lastInboundAt: null,
    replyWindow: null,
    template,
  };
}
