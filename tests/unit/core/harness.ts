import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import type { Teammate } from "../../../src/core/assignment.js";
import { SlashCommands } from "../../../src/core/commands.js";
import { Conversations } from "../../../src/core/conversations.js";
import { deliveryHandlers } from "../../../src/core/delivery/handlers/index.js";
import { DeliveryWorker } from "../../../src/core/delivery/worker.js";
import { customerLane, slackLane } from "../../../src/core/lane-names.js";
import type { Attachment, ChannelKind, MediaContent } from "../../../src/core/model.js";
import type {
  AcceptedPart,
  ChannelCapabilities,
  ChannelRegistry,
  CustomerChannel,
  OutboundPart,
  OutboundRequest,
  ReplyPart,
} from "../../../src/core/ports/channel.js";
import type { HomeView } from "../../../src/core/ports/home.js";
import type {
  CampaignProgressView,
  EarlierPost,
  ParentView,
  SlackPort,
  ThreadPost,
} from "../../../src/core/ports/slack.js";
import { SqlDeliveryQueue } from "../../../src/db/delivery-queue/queue.js";
import { sqliteFilePath } from "../../../src/db/migrate.js";
import { SqliteConnection } from "../../../src/db/sqlite/connection.js";
import { SqliteSql } from "../../../src/db/sqlite/sql.js";
import { SqlConversationStore } from "../../../src/db/store/conversation-store.js";
import { migratedSqliteUrl } from "../../support/migrated-sqlite.js";
import { type PrismaClient, testPrisma } from "../../support/prisma.js";

/** In-memory SlackPort: records what the core posts; `failures` makes the next calls throw. */
export class RecordingSlack implements SlackPort {
  readonly parents: { channelId: string; ts: string; view: ParentView }[] = [];
  readonly posts: { channelId: string; threadTs: string; ts: string; post: ThreadPost }[] = [];
  readonly updates: { channelId: string; ts: string; view: ParentView }[] = [];
  readonly failures: Error[] = [];
  members = new Map<string, boolean>([["C1", true]]);
  private clock = 1_700_000_000;

  private nextTs() {
    this.clock += 1;
    return `${this.clock}.000100`;
  }

  private maybeFail() {
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async postParent(channelId: string, view: ParentView, earlier?: EarlierPost) {
    this.maybeFail();
    const found = await earlier?.();
    if (found) return found;
    const ts = this.nextTs();
    this.parents.push({ channelId, ts, view });
    return { ts };
  }

  async updateParent(channelId: string, ts: string, view: ParentView) {
    this.maybeFail();
    this.updates.push({ channelId, ts, view });
  }

  async postInThread(channelId: string, threadTs: string, post: ThreadPost, earlier?: EarlierPost) {
    this.maybeFail();
    const found = await earlier?.();
    if (found) return found;
    const ts = this.nextTs();
    this.posts.push({ channelId, threadTs, ts, post });
    return { ts };
  }

  readonly channelPosts: { channelId: string; ts: string; text: string }[] = [];

  async postInChannel(channelId: string, text: string) {
    this.maybeFail();
    const ts = this.nextTs();
    this.channelPosts.push({ channelId, ts, text });
    return { ts };
  }

  readonly campaignProgress: { channelId: string; ts: string; view: CampaignProgressView }[] = [];

  async findCampaignProgress(channelId: string, campaignId: number) {
    const found = this.campaignProgress.find(
      (post) => post.channelId === channelId && post.view.campaignId === campaignId,
    );
    return found ? { ts: found.ts } : null;
  }

  async postCampaignProgress(channelId: string, view: CampaignProgressView, earlier?: EarlierPost) {
    this.maybeFail();
    const found = await earlier?.();
    if (found) return found;
    const ts = this.nextTs();
    this.campaignProgress.push({ channelId, ts, view });
    return { ts };
  }

  async updateCampaignProgress(channelId: string, ts: string, view: CampaignProgressView) {
    this.maybeFail();
    this.campaignProgress.push({ channelId, ts, view });
  }

  readonly replaced: { channelId: string; ts: string; text: string }[] = [];

  async replaceMessage(channelId: string, ts: string, text: string) {
    this.maybeFail();
    this.replaced.push({ channelId, ts, text });
  }

  readonly uploads: { channelId: string; threadTs: string; file: MediaContent }[] = [];
  readonly reactions: { channelId: string; ts: string; name: string }[] = [];

  async uploadFile(channelId: string, threadTs: string, file: MediaContent) {
    this.maybeFail();
    this.uploads.push({ channelId, threadTs, file });
  }

  async downloadFile(url: string): Promise<MediaContent> {
    return { bytes: Buffer.from(url), contentType: "image/png", filename: "file.png" };
  }

  async addReaction(channelId: string, ts: string, name: string) {
    this.reactions.push({ channelId, ts, name });
  }

  async findPostedMessage(channelId: string, threadTs: string, messageId: number) {
    const found = this.posts.find(
      (p) => p.channelId === channelId && p.threadTs === threadTs && p.post.messageId === messageId,
    );
    return found ? { ts: found.ts } : null;
  }

  async findPostedParent(channelId: string, conversationId: number) {
    const found = this.parents.find(
      (p) => p.channelId === channelId && p.view.conversationId === conversationId,
    );
    return found ? { ts: found.ts } : null;
  }

  async parentConversationId(channelId: string, ts: string) {
    return this.parents.find((p) => p.channelId === channelId && p.ts === ts)?.view.conversationId ?? null;
  }

  async userDisplayName(userId: string) {
    return userId === "U1" ? "Ana" : userId;
  }

  async userProfile(userId: string) {
    return { name: await this.userDisplayName(userId), avatarUrl: `https://avatars.example/${userId}.png` };
  }

  async permalink(channelId: string, ts: string) {
    return `https://example.slack.com/archives/${channelId}/p${ts.replace(".", "")}`;
  }

  teammates: Teammate[] = [];

  async channelMembers(_channelId: string) {
    return this.teammates;
  }

  readonly warmed: string[] = [];

  warmChannel(channelId: string) {
    this.warmed.push(channelId);
  }

  async channelMembership(channelId: string) {
    const isMember = this.members.get(channelId);
    return isMember === undefined ? null : { isMember, name: channelId };
  }

  timeZones = new Map<string, string>();

  async userTimeZone(userId: string) {
    return this.timeZones.get(userId) ?? null;
  }

  readonly homes: HomeView[] = [];

  async publishHome(home: HomeView) {
    this.homes.push(home);
  }
}

/** A part the channel sent: the request it came in, the part, and the id it was given. */
export type SentRecord = Omit<OutboundRequest, "parts"> &
  OutboundPart & { readonly providerMessageId: string };

/**
 * In-memory customer channel: records each part it sends; `failures` are taken one per part tried (null lets a
 * part through), so a test can fail the second part of a reply.
 */
export class RecordingChannel implements CustomerChannel {
  readonly label = "SMS";
  readonly addressExample = "+15550001111";
  readonly enabled = true;
  readonly sent: SentRecord[] = [];
  readonly failures: (Error | null)[] = [];
  /** Replies longer than this many characters go out in parts; media ride on the first. */
  partLength = 1600;
  /** Runs once a part is recorded, before the next is tried (e.g. a status callback arriving meanwhile). */
  afterPart: ((part: AcceptedPart) => Promise<void>) | null = null;

  constructor(readonly kind: ChannelKind) {}

  parseInboxAddress(input: string) {
    return /^\+\d{8,15}$/.test(input) ? input : null;
  }

  formatAddress(address: string) {
    return address;
  }

  async fetchMedia(attachment: Attachment): Promise<MediaContent> {
    return {
      bytes: Buffer.from(attachment.url),
      contentType: attachment.contentType ?? "image/jpeg",
      filename: "m.jpg",
    };
  }

  capabilities: ChannelCapabilities = {
    maxTextLength: 1600,
    media: { types: ["image/jpeg", "image/png"], typesInWords: "images", maxBytes: 5 * 1024 * 1024 },
    edits: false,
    reactions: false,
    readReceipts: false,
    replyWindow: null,
    firstMessage: "text",
    templates: null,
    optOutWords: ["STOP"],
    optInWords: ["START"],
    honoursOptOutRequests: true,
  };

  replyParts<M>(text: string, media: readonly M[]): ReplyPart<M>[] {
    const parts: ReplyPart<M>[] = [];
    for (let start = 0; start === 0 || start < text.length; start += this.partLength) {
      const index = parts.length;
      parts.push({
        index,
        text: text.slice(start, start + this.partLength),
        media: index === 0 ? media : [],
      });
    }
    return parts;
  }

  async findSent(request: OutboundRequest): Promise<AcceptedPart[]> {
    return this.sent
      .filter((sent) => sent.messageId === request.messageId)
      .map((sent) => ({ index: sent.index, providerMessageId: sent.providerMessageId, status: "queued" }));
  }

  async send(request: OutboundRequest, accepted: (part: AcceptedPart) => Promise<void>): Promise<void> {
    const { parts, ...rest } = request;
    for (const part of parts) {
      const failure = this.failures.shift();
      if (failure) throw failure;
      const providerMessageId = `SM${this.sent.length + 1}`;
      this.sent.push({ ...rest, ...part, providerMessageId });
      const sent = { index: part.index, providerMessageId, status: "queued" } as const;
      await accepted(sent);
      await this.afterPart?.(sent);
    }
  }
}

export const silentLogger = pino({ level: "silent" });

export interface TestDatabase {
  readonly store: SqlConversationStore;
  readonly queue: SqlDeliveryQueue;
  /** A Prisma Client of the test's own, on its own connection to the file: to seed and read rows. */
  readonly prisma: PrismaClient;
  readonly connection: SqliteConnection;
  close(): Promise<void>;
}

/** Worker settings for tests: a unique owner, leases and sweeps short enough for takeover tests. */
export const testWorker = {
  owner: "test-worker",
  leaseMs: 30_000,
  sweepMs: 60_000,
} as const;

/** A migrated SQLite file in a temp folder: the core's tests use the real store adapter. */
export async function testDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-core-"));
  const url = await migratedSqliteUrl(path.join(dir, "test.db"));
  const connection = new SqliteConnection(sqliteFilePath(url));
  connection.open();
  const prisma = testPrisma(url);
  const sql = new SqliteSql(connection);
  const queue = new SqlDeliveryQueue(sql);
  const lanesOf = (id: number) => [slackLane(id), customerLane(id)];
  return {
    store: new SqlConversationStore(sql, queue, lanesOf),
    queue,
    prisma,
    connection,
    async close() {
      await prisma.$disconnect();
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A registry of the given channels; kinds not given are absent, which the core tests never reach. */
export function registryOf(...channels: RecordingChannel[]): ChannelRegistry {
  return Object.fromEntries(channels.map((channel) => [channel.kind, channel])) as unknown as ChannelRegistry;
}

export interface TestCore {
  readonly db: TestDatabase;
  readonly worker: DeliveryWorker;
  readonly conversations: Conversations;
  readonly commands: SlashCommands;
  stop(): Promise<void>;
}

/**
 * The core over a real store: a migrated database, the delivery worker with every handler, and the
 * conversations and commands that feed it, talking to the given in-memory Slack and channels.
 */
export async function startCore(options: {
  readonly slack: RecordingSlack;
  readonly channels: ChannelRegistry;
  readonly maxAttempts?: number;
  readonly now?: () => number;
}): Promise<TestCore> {
  const db = await testDatabase();
  const { slack, channels } = options;
  const worker = new DeliveryWorker(
    db.queue,
    deliveryHandlers({
      store: db.store,
      queue: db.queue,
      slack,
      channels,
      logger: silentLogger,
      mediaUrl: (token) => `https://t.example/media/${token}`,
      mediaTtlMs: 60_000,
      ...(options.now ? { now: options.now } : {}),
    }),
    {
      concurrency: 4,
      ...testWorker,
      backoff: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: options.maxAttempts ?? 5 },
    },
    silentLogger,
  );
  await worker.start();
  return {
    db,
    worker,
    conversations: new Conversations(db.store, channels, silentLogger),
    commands: new SlashCommands(db.store, slack, channels, silentLogger),
    async stop() {
      await worker.stop();
      await db.close();
    },
  };
}
