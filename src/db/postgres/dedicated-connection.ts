import pg from "pg";

export interface DedicatedConnectionOptions {
  readonly databaseUrl: string;
  /** How the connection shows in `pg_stat_activity`. */
  readonly applicationName: string;
  /** What the connection is for, run on every (re)connection before it counts as up: a LISTEN, a lock. */
  readonly setUp: (client: pg.Client) => Promise<void>;
  /** How long to wait before the `attempt`th reopening in a row (1: the first after a drop). */
  readonly reopenDelayMs: (attempt: number) => number;
  /** Handlers to add to each new client before it connects (notifications). */
  readonly configure?: (client: pg.Client) => void;
  /** The connection dropped: what `setUp` gave is gone until it is reopened. */
  readonly onDrop?: () => void;
  readonly onError: (error: Error) => void;
}

/**
 * One connection outside the pool, for what a pooled connection cannot keep (a LISTEN, a session's advisory
 * lock): opened with its set-up, reopened after a drop, closed for good by `close`.
 */
export class DedicatedConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private failedInARow = 0;

  constructor(private readonly options: DedicatedConnectionOptions) {}

  /** Resolves once connected and set up; rejects when either fails (a later drop is reopened by itself). */
  async open(): Promise<void> {
    const { databaseUrl, applicationName, configure, setUp, onError } = this.options;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
    configure?.(client);
    client.on("error", (error) => {
      onError(error);
      this.reopen(client);
    });
    client.on("end", () => this.reopen(client));
    this.client = client;
    await client.connect();
    await setUp(client);
    this.failedInARow = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private reopen(dropped: pg.Client): void {
    if (this.closed || this.client !== dropped || this.retry) return;
    this.client = null;
    this.options.onDrop?.();
    dropped.end().catch(() => {});
    this.failedInARow += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed) return;
      this.open().catch((error: Error) => {
        this.options.onError(error);
        if (this.client) this.reopen(this.client);
      });
    }, this.options.reopenDelayMs(this.failedInARow));
    this.retry.unref();
  }
}
