import { sql } from "kysely";
import type { JobNotices } from "../delivery-queue/dialect.js";
import type { SqlDatabase } from "../sql/database.js";
import { type PreparedStatement, statement } from "../sql/statement.js";
import { all } from "../sql/transaction.js";
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

interface NoticeValues {
  channel: string;
  payload: string;
}

/** In a transaction, PostgreSQL delivers the notice when it commits, not before. */
const notify = statement<NoticeValues, unknown>("queue_notify_jobs", ({ db }, p) =>
  db.selectNoFrom(sql`pg_notify(${p.channel}, ${p.payload})`.as("notified")),
);

const notifyIfPending = statement<NoticeValues & { id: number }, unknown>(
  "queue_notify_if_pending",
  ({ db }, p) =>
    db
      .selectFrom("DeliveryJob")
      .select(sql`pg_notify(${p.channel}, ${p.payload})`.as("notified"))
      .where("id", "=", p.id)
      .where("state", "=", sql.lit("pending")),
);

/** The queue's notices between instances on one PostgreSQL database (src/db/delivery-queue/dialect.ts). */
export class PgJobNotices implements JobNotices {
  private heard: (ids: readonly number[]) => Promise<void> = async () => {};
  private readonly notifyStatement: PreparedStatement<NoticeValues, unknown>;
  private readonly notifyIfPendingStatement: PreparedStatement<NoticeValues & { id: number }, unknown>;
  private readonly listener: JobNotifications | null;

  /** `databaseUrl`: where the LISTEN connection goes; null to tell without hearing (a test of one instance). */
  constructor(
    database: SqlDatabase,
    private readonly instance: string,
    databaseUrl: string | null,
    onError: (error: Error) => void,
  ) {
    this.notifyStatement = database.prepare(notify);
    this.notifyIfPendingStatement = database.prepare(notifyIfPending);
    this.listener = databaseUrl
      ? new JobNotifications(databaseUrl, instance, (ids) => void this.heard(ids).catch(onError), onError)
      : null;
  }

  /** Resolves once LISTEN is active, so nothing committed after it is missed. */
  async start(): Promise<void> {
    await this.listener?.start();
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }

  listen(heard: (ids: readonly number[]) => Promise<void>): void {
    this.heard = heard;
  }

  *tell(ids: readonly number[]) {
    for (let start = 0; start < ids.length; start += idsPerNotification) {
      yield* all(this.notifyStatement, this.notice(ids.slice(start, start + idsPerNotification)));
    }
  }

  async tellIfPending(id: number): Promise<void> {
    if (this.listener) await this.notifyIfPendingStatement.read({ ...this.notice([id]), id });
  }

  private notice(ids: readonly number[]): NoticeValues {
    const notice: JobsNotice = { from: this.instance, ids };
    return { channel: jobsChannel, payload: JSON.stringify(notice) };
  }
}
