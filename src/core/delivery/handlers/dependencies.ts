import type { CampaignStore, ContactTags } from "../../ports/campaigns.js";
import type { ChannelRegistry } from "../../ports/channel.js";
import type { CoreLogger } from "../../ports/logger.js";
import type { PostPacing } from "../../ports/pacing.js";
import type { DeliveryQueue } from "../../ports/queue.js";
import type { ScheduledMessageStore } from "../../ports/scheduled-messages.js";
import type { SlackPort, TranscriptLinks } from "../../ports/slack.js";
import type { ConversationStore } from "../../ports/store.js";

export interface HandlerDependencies {
  readonly store: ConversationStore;
  readonly queue: DeliveryQueue;
  readonly slack: SlackPort;
  readonly channels: ChannelRegistry;
  readonly logger: CoreLogger;
  /** The public URL under which a saved file is served to providers (GET /media/:token). */
  readonly mediaUrl: (token: string) => string;
  /** How long such a link works. */
  readonly mediaTtlMs: number;
  /** The clock (epoch ms) reply windows and media links are measured with. */
  readonly now?: () => number;
  readonly transcripts?: TranscriptLinks;
  /** How long an uncertain job's look-ups for its earlier attempt may keep failing before it stops waiting. */
  readonly lookupPatienceMs?: number;
  /** Messages written `later <when>: …` (the app wires it; tests of other handlers may leave it out). */
  readonly scheduledMessages?: ScheduledMessageStore;
  /** A person's reminder or scheduled message fired or was dropped: their App Home no longer lists it. */
  readonly reminderSettled?: (userId: string) => void;
  /** The contacts' tags, shown on their parents. */
  readonly tags?: ContactTags;
  /** Campaigns: their store, the pace of their numbers (shared by every instance), and how often progress shows. */
  readonly campaigns?: {
    readonly store: CampaignStore;
    readonly pacing: PostPacing;
    readonly ratePerSecond: number;
    /** Least time between two edits of a campaign's progress message. */
    readonly progressEveryMs: number;
  };
  /** Posts a channel's daily report (job id: its claim on the day). */
  readonly dailyReport?: (channelId: string, time: string, jobId: number) => Promise<void>;
}
