import type { ChannelRegistry } from "../../ports/channel.js";
import type { CoreLogger } from "../../ports/logger.js";
import type { DeliveryQueue } from "../../ports/queue.js";
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
  /** A person's reminder fired or was dropped: their App Home no longer lists it. */
  readonly reminderSettled?: (userId: string) => void;
  /** Posts a channel's daily report (job id: its claim on the day). */
  readonly dailyReport?: (channelId: string, time: string, jobId: number) => Promise<void>;
}
