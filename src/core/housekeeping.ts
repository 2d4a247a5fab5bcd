import type { CoreLogger } from "./ports/logger.js";
import type { ConversationStore } from "./ports/store.js";

const day = 24 * 60 * 60 * 1000;

export interface HousekeepingOptions {
  /** Time between sweeps; the first runs right after start, so frequent restarts don't put it off. */
  readonly intervalMs: number;
  /** Conversations closed longer ago than this are purged; null keeps them. */
  readonly retentionDays: number | null;
  /** Conversations purged per transaction, so a first sweep over years of history never holds the writer long. */
  readonly batchSize: number;
}

export const defaultHousekeeping: HousekeepingOptions = {
  intervalMs: 60 * 60 * 1000,
  retentionDays: null,
  batchSize: 100,
};

/**
 * The periodic sweep: deletes agents' files whose links expired and, with RETENTION_DAYS, the conversations
 * closed longer ago. Its timer never keeps the process alive (unref), sweeps never overlap, and stop() waits
 * for a sweep in progress. Every instance may sweep: what one deleted, the next finds gone.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Pick<ConversationStore, "deleteExpiredMedia" | "purgeClosedConversations">,
    private readonly logger: CoreLogger,
    private readonly options: HousekeepingOptions,
    private readonly now: () => number = Date.now,
    /** After a purge: deletes what other stores keep of contacts the purge deleted (tags, campaign recipients). */
    private readonly forgetOrphans: () => Promise<number> = async () => 0,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /** One sweep; failures are logged and the next sweep tries again. */
  async sweep(): Promise<void> {
    const now = this.now();
    try {
      const media = await this.store.deleteExpiredMedia(new Date(now));
      const conversations = await this.purge(now);
      if (conversations > 0) await this.forgetOrphans();
      if (media + conversations > 0) {
        this.logger.info({ media, conversations }, "expired files and closed conversations deleted");
      } else {
        this.logger.debug({}, "housekeeping found nothing to delete");
      }
    } catch (error) {
      this.logger.warn({ err: error }, "housekeeping sweep failed; the next one tries again");
    }
  }

  private async purge(now: number): Promise<number> {
    const { retentionDays, batchSize } = this.options;
    if (retentionDays === null) return 0;
    const closedBefore = new Date(now - retentionDays * day);
    let purged = 0;
    for (;;) {
      const batch = await this.store.purgeClosedConversations(closedBefore, batchSize);
      purged += batch;
      if (batch < batchSize || this.stopped) return purged;
    }
  }

  private schedule(delayMs = this.options.intervalMs): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sweeping = this.sweep().finally(() => {
        this.sweeping = null;
        this.schedule();
      });
    }, delayMs);
    this.timer.unref();
  }
}
