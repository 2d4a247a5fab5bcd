import type { AutoAssignments } from "../core/ports/auto-assignment.js";
import type { CampaignStore, ContactTags } from "../core/ports/campaigns.js";
import type { CustomerView } from "../core/ports/customer-view.js";
import type { PostPacing } from "../core/ports/pacing.js";
import type { DeliveryQueue } from "../core/ports/queue.js";
import type { Reports } from "../core/ports/reports.js";
import type { Satisfaction } from "../core/ports/satisfaction.js";
import type { ScheduledMessageStore } from "../core/ports/scheduled-messages.js";
import type { SnippetStore } from "../core/ports/snippets.js";
import type { ConversationStore } from "../core/ports/store.js";

/** The app's database, whichever DATABASE_URL names: the two ports, and what the app does with it as a whole. */
export interface AppDatabase {
  readonly store: ConversationStore;
  readonly queue: DeliveryQueue;
  /** The pace of posts per Slack channel, shared by every process on this database. */
  readonly pacing: PostPacing;
  /** The channels' saved replies. */
  readonly snippets: SnippetStore;
  /** Messages written `later <when>: …`, until sent or cancelled. */
  readonly scheduledMessages: ScheduledMessageStore;
  /** What a channel may show its customers: their own conversation, and whether the team is there. */
  readonly customerView: CustomerView;
  readonly tags: ContactTags;
  readonly campaigns: CampaignStore;
  /** Who is in each channel's rotation (automatic assignment), and who paused it. */
  readonly autoAssignments: AutoAssignments;
  /** Customer satisfaction questions, per channel, and the customers' answers. */
  readonly satisfaction: Satisfaction;
  /** A channel's history, counted for `/threadline report`. */
  readonly reports: Reports;
  /**
   * Applies pending migrations, then opens the connections (for PostgreSQL, also starts hearing the other
   * instances' jobs).
   */
  open(logger: MigrationLogger): Promise<void>;
  /**
   * Commits a small write through the path webhooks take and takes it back in the same transaction: rejects
   * when nothing can be committed now (a full disk, a read-only file), which a read cannot tell.
   */
  probeWrite(): Promise<void>;
  /** The value of setting `key`, created with `create()` the first time; instances agree on the first one. */
  settingOrCreate(key: string, create: () => string): Promise<string>;
  close(): Promise<void>;
}

export interface MigrationLogger {
  info(obj: object, msg?: string): void;
}

export interface DatabaseOptions {
  /**
   * This instance's name: the worker's lease owner, marked alive in the database while this process runs, and
   * named in the job notices it sends other instances.
   */
  readonly instance: string;
  /** The lanes of a conversation's jobs (held lanes are released when its inbox is connected). */
  readonly lanesOf: (conversationId: number) => readonly string[];
  /** Errors of idle connections and of the job notices, which belong to no request. */
  readonly onError: (error: Error) => void;
}
