import { randomBytes } from "node:crypto";
import type {
  Attachment,
  ChannelKind,
  Contact,
  Conversation,
  ConversationContext,
  DeliveryReport,
  Inbox,
  MediaContent,
  Message,
  MessageStatus,
} from "../core/model.js";
import type { InboxCounts, Job, NewJob, NewMessage, Store, StoreTransaction } from "../core/ports.js";
import type { QueueStats } from "../metrics/metrics.js";
import type {
  Contact as ContactRow,
  Conversation as ConversationRow,
  Inbox as InboxRow,
  DeliveryJob as JobRow,
  Message as MessageRow,
  Prisma,
  PrismaClient,
} from "./client.js";

type Database = PrismaClient | Prisma.TransactionClient;

const toInbox = (row: InboxRow): Inbox => ({
  id: row.id,
  kind: row.kind as ChannelKind,
  address: row.address,
  slackChannelId: row.slackChannelId,
  connectedBy: row.connectedBy,
  connectedAt: row.connectedAt,
  deliveryProblem: row.deliveryProblem,
});

const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  kind: row.kind as ChannelKind,
  address: row.address,
  displayName: row.displayName,
  avatarUrl: row.avatarUrl,
  optedOut: row.optedOut,
});

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  inboxId: row.inboxId,
  contactId: row.contactId,
  status: row.status as Conversation["status"],
  assigneeId: row.assigneeId,
  closedBy: row.closedBy,
  closedAt: row.closedAt,
  slackChannelId: row.slackChannelId,
  slackThreadTs: row.slackThreadTs,
  lastInboundAt: row.lastInboundAt,
});

const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  conversationId: row.conversationId,
  direction: row.direction as Message["direction"],
  body: row.body,
  attachments: JSON.parse(row.attachments) as Attachment[],
  providerMessageId: row.providerMessageId,
  slackChannelId: row.slackChannelId,
  slackTs: row.slackTs,
  authorSlackUserId: row.authorSlackUserId,
  status: row.status as MessageStatus,
  errorCode: row.errorCode,
  errorMessage: row.errorMessage,
  createdAt: row.createdAt,
});

const toJob = (
  row: Pick<JobRow, "id" | "lane" | "kind" | "payload" | "attempts" | "lastError" | "createdAt">,
): Job =>
  ({
    id: row.id,
    lane: row.lane,
    kind: row.kind,
    payload: JSON.parse(row.payload),
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
  }) as Job;

/** The transactional operations, over either the client or an open transaction. */
class Operations implements StoreTransaction {
  constructor(protected readonly db: Database) {}

  async findInbox(kind: ChannelKind, address: string) {
    const row = await this.db.inbox.findUnique({ where: { kind_address: { kind, address } } });
    return row ? toInbox(row) : null;
  }

  async upsertInbox(kind: ChannelKind, address: string) {
    return toInbox(
      await this.db.inbox.upsert({
        where: { kind_address: { kind, address } },
        create: { kind, address },
        update: {},
      }),
    );
  }

  async connectInbox(inboxId: number, slackChannelId: string | null, userId: string | null) {
    return toInbox(
      await this.db.inbox.update({
        where: { id: inboxId },
        data: {
          slackChannelId,
          connectedBy: userId,
          connectedAt: slackChannelId ? new Date() : null,
          deliveryProblem: null,
        },
      }),
    );
  }

  async rememberThreads(inboxId: number) {
    // One statement whatever the number of conversations; a thread already remembered stays as it is.
    await this.db.$executeRaw`
      INSERT INTO "PastThread" ("slackChannelId", "slackThreadTs", "conversationId")
      SELECT "slackChannelId", "slackThreadTs", "id" FROM "Conversation"
      WHERE "inboxId" = ${inboxId} AND "slackChannelId" IS NOT NULL AND "slackThreadTs" IS NOT NULL
      ON CONFLICT DO NOTHING`;
  }

  async upsertContact(kind: ChannelKind, address: string) {
    return toContact(
      await this.db.contact.upsert({
        where: { kind_address: { kind, address } },
        create: { kind, address },
        update: {},
      }),
    );
  }

  async updateContact(contactId: number, changes: Partial<Pick<Contact, "displayName" | "avatarUrl">>) {
    await this.db.contact.update({ where: { id: contactId }, data: changes });
  }

  async upsertConversation(inboxId: number, contactId: number) {
    const existing = await this.db.conversation.findUnique({
      where: { inboxId_contactId: { inboxId, contactId } },
    });
    if (existing) return { conversation: toConversation(existing), created: false };
    return {
      conversation: toConversation(await this.db.conversation.create({ data: { inboxId, contactId } })),
      created: true,
    };
  }

  async updateConversation(
    id: number,
    changes: Partial<Pick<Conversation, "status" | "assigneeId" | "closedBy" | "closedAt" | "lastInboundAt">>,
  ) {
    return toConversation(await this.db.conversation.update({ where: { id }, data: changes }));
  }

  async findMessageByProviderId(kind: ChannelKind, providerMessageId: string) {
    const row = await this.db.message.findUnique({
      where: { provider_providerMessageId: { provider: kind, providerMessageId } },
    });
    return row ? toMessage(row) : null;
  }

  async findMessageBySlackTs(channelId: string, ts: string) {
    const row = await this.db.message.findUnique({
      where: { slackChannelId_slackTs: { slackChannelId: channelId, slackTs: ts } },
    });
    return row ? toMessage(row) : null;
  }

  async findReportedMessages(report: DeliveryReport) {
    const conversation = {
      inbox: { kind: report.kind, address: report.inboxAddress },
      contact: { kind: report.kind, address: report.contactAddress },
    };
    const rows = await this.db.message.findMany({
      where: {
        provider: report.kind,
        direction: "out",
        OR: [
          ...(report.providerMessageIds.length > 0
            ? [{ providerMessageId: { in: [...report.providerMessageIds] } }]
            : []),
          ...(report.upTo ? [{ conversation, createdAt: { lte: report.upTo } }] : []),
        ],
      },
      orderBy: { id: "asc" },
    });
    return rows.map(toMessage);
  }

  async createMessage(message: NewMessage) {
    const { attachments, ...fields } = message;
    return toMessage(
      await this.db.message.create({ data: { ...fields, attachments: JSON.stringify(attachments) } }),
    );
  }

  async updateMessage(
    messageId: number,
    changes: Partial<
      Pick<
        Message,
        "slackChannelId" | "slackTs" | "providerMessageId" | "status" | "errorCode" | "errorMessage" | "body"
      >
    >,
  ) {
    await this.db.message.update({ where: { id: messageId }, data: changes });
  }

  async enqueue(jobs: readonly NewJob[]) {
    if (jobs.length === 0) return;
    await this.db.deliveryJob.createMany({
      data: jobs.map((job) => ({ lane: job.lane, kind: job.kind, payload: JSON.stringify(job.payload) })),
    });
  }

  async setContactOptedOut(contactId: number, optedOut: boolean) {
    await this.db.contact.update({ where: { id: contactId }, data: { optedOut } });
  }

  async unparkInbox(inboxId: number) {
    const conversations = await this.db.conversation.findMany({ where: { inboxId }, select: { id: true } });
    if (conversations.length === 0) return 0;
    const lanes = conversations.flatMap(({ id }) => [`slack:${id}`, `customer:${id}`]);
    const { count } = await this.db.deliveryJob.updateMany({
      where: { state: "parked", lane: { in: lanes } },
      data: { state: "pending", runAt: 0n },
    });
    if (count === 0) return 0;
    return this.db.deliveryJob.count({
      where: { state: "pending", kind: "slack.postInbound", lane: { in: lanes } },
    });
  }
}

export class PrismaStore extends Operations implements Store {
  constructor(private readonly prisma: PrismaClient) {
    super(prisma);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((tx) => work(new Operations(tx)), { maxWait: 10_000, timeout: 20_000 });
  }

  async conversationContext(conversationId: number): Promise<ConversationContext | null> {
    const row = await this.prisma.conversation.findUnique({
      where: { id: conversationId },
      include: { inbox: true, contact: true },
    });
    return row
      ? { conversation: toConversation(row), inbox: toInbox(row.inbox), contact: toContact(row.contact) }
      : null;
  }

  async conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    const row = await this.prisma.pastThread.findUnique({
      where: { slackChannelId_slackThreadTs: { slackChannelId: channelId, slackThreadTs: threadTs } },
      select: { conversationId: true },
    });
    return row ? this.conversationContext(row.conversationId) : null;
  }

  async conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    const row = await this.prisma.conversation.findUnique({
      where: { slackChannelId_slackThreadTs: { slackChannelId: channelId, slackThreadTs: threadTs } },
      include: { inbox: true, contact: true },
    });
    return row
      ? { conversation: toConversation(row), inbox: toInbox(row.inbox), contact: toContact(row.contact) }
      : null;
  }

  /** Every message of a conversation in the order it was recorded, for its transcript page. */
  async conversationMessages(conversationId: number): Promise<Message[]> {
    const rows = await this.prisma.message.findMany({ where: { conversationId }, orderBy: { id: "asc" } });
    return rows.map(toMessage);
  }

  async message(messageId: number) {
    const row = await this.prisma.message.findUnique({ where: { id: messageId } });
    return row ? toMessage(row) : null;
  }

  async inboxById(inboxId: number) {
    const row = await this.prisma.inbox.findUnique({ where: { id: inboxId } });
    return row ? toInbox(row) : null;
  }

  async saveMedia(content: MediaContent, expiresAt: Date) {
    const token = randomBytes(24).toString("base64url");
    await this.prisma.mediaFile.create({
      data: {
        token,
        contentType: content.contentType,
        filename: content.filename,
        bytes: Buffer.from(content.bytes) as Uint8Array<ArrayBuffer>,
        expiresAt,
      },
    });
    // Expired files are only ever refused; clearing them here keeps the table small without a timer.
    await this.prisma.mediaFile.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return token;
  }

  async media(token: string, now: Date): Promise<MediaContent | null> {
    const row = await this.prisma.mediaFile.findUnique({ where: { token } });
    if (!row || row.expiresAt <= now) return null;
    return { bytes: row.bytes, contentType: row.contentType, filename: row.filename };
  }

  async setInboxProblem(inboxId: number, problem: string | null) {
    await this.prisma.inbox.update({ where: { id: inboxId }, data: { deliveryProblem: problem } });
  }

  async waitingMessageCount(inboxId: number) {
    return this.prisma.message.count({
      where: { direction: "in", slackTs: null, status: "received", conversation: { inboxId } },
    });
  }

  async setConversationThread(conversationId: number, channelId: string, threadTs: string) {
    await this.prisma.conversation.update({
      where: { id: conversationId },
      data: { slackChannelId: channelId, slackThreadTs: threadTs },
    });
  }

  async inboxesForChannel(slackChannelId: string) {
    return (await this.prisma.inbox.findMany({ where: { slackChannelId }, orderBy: { id: "asc" } })).map(
      toInbox,
    );
  }

  async countsForInbox(inboxId: number): Promise<InboxCounts> {
    const [open, closed, unassigned] = await Promise.all([
      this.prisma.conversation.count({ where: { inboxId, status: "open" } }),
      this.prisma.conversation.count({ where: { inboxId, status: "closed" } }),
      this.prisma.conversation.count({ where: { inboxId, status: "open", assigneeId: null } }),
    ]);
    return { open, closed, unassigned };
  }

  async claimableJobs(limit: number, busyLanes: ReadonlySet<string>, now: number): Promise<readonly Job[]> {
    // The head of a lane is its oldest unfinished job; a parked head holds the jobs behind it.
    // Pending jobs are walked in id order on the (state, id) index and the walk stops at LIMIT: the `+` keeps
    // SQLite off the (state, runAt) index, which would make it test every pending job and sort them, once per
    // finished job (7 ms at 2,000 pending jobs, 37 ms at 20,000; under a burst the queue drained quadratically).
    const rows = await this.prisma.$queryRaw<JobRow[]>`
      SELECT j."id", j."lane", j."kind", j."payload", j."attempts", j."lastError", j."createdAt"
      FROM "DeliveryJob" j
      WHERE j."state" = 'pending' AND +j."runAt" <= ${now}
        AND NOT EXISTS (SELECT 1 FROM "DeliveryJob" e
          WHERE e."lane" = j."lane" AND e."state" IN ('pending', 'parked') AND e."id" < j."id")
      ORDER BY j."id"
      LIMIT ${limit + busyLanes.size}`;
    return rows
      .filter((row) => !busyLanes.has(row.lane))
      .slice(0, limit)
      .map((row) => toJob({ ...row, createdAt: new Date(row.createdAt) }));
  }

  async startJob(jobId: number) {
    await this.prisma.deliveryJob.update({
      where: { id: jobId },
      data: { attempts: { increment: 1 }, lastError: null },
    });
  }

  async completeJob(jobId: number) {
    await this.prisma.deliveryJob.delete({ where: { id: jobId } });
  }

  async retryJob(jobId: number, runAt: number, error: string) {
    await this.prisma.deliveryJob.update({
      where: { id: jobId },
      data: { runAt: BigInt(runAt), lastError: error },
    });
  }

  async failJob(jobId: number, error: string) {
    await this.prisma.deliveryJob.update({
      where: { id: jobId },
      data: { state: "failed", lastError: error },
    });
  }

  async parkJob(jobId: number, reason: string) {
    await this.prisma.deliveryJob.update({
      where: { id: jobId },
      data: { state: "parked", lastError: reason },
    });
  }

  async unparkJob(jobId: number) {
    await this.prisma.deliveryJob.updateMany({
      where: { id: jobId, state: "parked" },
      data: { state: "pending" },
    });
  }

  async nextJobDueAt(): Promise<number | null> {
    const next = await this.prisma.deliveryJob.findFirst({
      where: { state: "pending" },
      orderBy: { runAt: "asc" },
      select: { runAt: true },
    });
    return next ? Number(next.runAt) : null;
  }

  /** For the metrics: jobs per state and when the oldest one still to do was enqueued. */
  async queueStats(): Promise<QueueStats> {
    const [groups, oldest] = await Promise.all([
      this.prisma.deliveryJob.groupBy({ by: ["state"], _count: { _all: true } }),
      this.prisma.deliveryJob.findFirst({
        where: { state: { in: ["pending", "parked"] } },
        orderBy: { id: "asc" },
        select: { createdAt: true },
      }),
    ]);
    const count = (state: string) => groups.find((group) => group.state === state)?._count._all ?? 0;
    return {
      depth: { pending: count("pending"), parked: count("parked"), failed: count("failed") },
      oldestWaitingAt: oldest?.createdAt ?? null,
    };
  }

  async pendingJobCount(): Promise<number> {
    return this.prisma.deliveryJob.count({ where: { state: "pending" } });
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
