import type pg from "pg";
import { DedicatedConnection } from "./dedicated-connection.js";

/** The NOTIFY channel on which an instance tells the others which jobs it committed. */
export const jobsChannel = "threadline_jobs";

/** NOTIFY payloads are limited to 8,000 bytes: ids are sent in chunks well under it. */
const idsPerNotification = 500;

export interface JobsNotice {
  /** The instance that committed the jobs (it announced them itself, and skips its own notice). */
  readonly from: string;
  readonly ids: readonly number[];
}

/** Queues NOTIFYs of `ids` in the caller's transaction: PostgreSQL delivers them when it commits, not before. */
export async function notifyJobs(client: pg.ClientBase, from: string, ids: readonly number[]): Promise<void> {
  for (let start = 0; start < ids.length; start += idsPerNotification) {
    const notice: JobsNotice = { from, ids: ids.slice(start, start + idsPerNotification) };
    await client.query({
      name: "threadline_notify_jobs",
      text: "SELECT pg_notify($1, $2)",
      values: [jobsChannel, JSON.stringify(notice)],
    });
  }
}

/** How long to wait before listening again after the connection dropped, doubling while it keeps failing up
 * to the maximum; the worker's sweep covers the gap. */
const reconnectMs = { first: 1_000, max: 30_000 };

/**
 * LISTENs for other instances' job notices on a connection of its own (a pooled one cannot keep a LISTEN).
 * A lost connection is reopened; what was committed meanwhile is found by the worker's periodic sweep.
 */
export class JobNotifications {
  private readonly connection: DedicatedConnection;

  constructor(
    databaseUrl: string,
    private readonly self: string,
    private readonly onNotice: (ids: readonly number[]) => void,
    private readonly onError: (error: Error) => void,
  ) {
    this.connection = new DedicatedConnection({
      databaseUrl,
      applicationName: "threadline-listen",
      configure: (client) => client.on("notification", (message) => this.receive(message.payload)),
      setUp: async (client) => {
        await client.query(`LISTEN ${jobsChannel}`);
      },
      reopenDelayMs: (attempt) => Math.min(reconnectMs.first * 2 ** (attempt - 1), reconnectMs.max),
      onError,
    });
  }

  /** Resolves once LISTEN is active, so nothing committed after it is missed. */
  start(): Promise<void> {
    return this.connection.open();
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private receive(payload: string | undefined): void {
    try {
      const notice = JSON.parse(payload ?? "") as JobsNotice;
      if (notice.from !== this.self && Array.isArray(notice.ids)) this.onNotice(notice.ids);
    } catch (error) {
      this.onError(new Error(`ignored a malformed ${jobsChannel} notice: ${String(error)}`));
    }
  }
}
