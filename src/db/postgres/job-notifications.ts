import pg from "pg";

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
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private delayMs = reconnectMs.first;

  constructor(
    private readonly databaseUrl: string,
    private readonly self: string,
    private readonly onNotice: (ids: readonly number[]) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Resolves once LISTEN is active, so nothing committed after it is missed. */
  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: "threadline-listen",
    });
    client.on("notification", (message) => this.receive(message.payload));
    client.on("error", (error) => {
      this.onError(error);
      this.reconnect(client);
    });
    client.on("end", () => this.reconnect(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${jobsChannel}`);
    this.delayMs = reconnectMs.first;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private receive(payload: string | undefined): void {
    try {
      const notice = JSON.parse(payload ?? "") as JobsNotice;
      if (notice.from !== this.self && Array.isArray(notice.ids)) this.onNotice(notice.ids);
    } catch (error) {
      this.onError(new Error(`ignored a malformed ${jobsChannel} notice: ${String(error)}`));
    }
  }

  private reconnect(dropped: pg.Client): void {
    if (this.closed || this.client !== dropped || this.retry) return;
    this.client = null;
    dropped.end().catch(() => {});
    const delay = this.delayMs;
    this.delayMs = Math.min(delay * 2, reconnectMs.max);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed) return;
      this.start().catch((error: Error) => {
        this.onError(error);
        if (this.client) this.reconnect(this.client);
      });
    }, delay);
    this.retry.unref();
  }
}
