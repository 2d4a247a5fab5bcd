import { randomBytes } from "node:crypto";
import type { Statement } from "better-sqlite3";
import {
  type ChannelKind,
  type ConversationContext,
  type InboundMessage,
  type MediaContent,
  type Message,
  type Nudge,
  noTeamSettings,
  type SentPart,
  type TeamSettings,
} from "../../core/model.js";
import type { Assignment, ConversationList, InboxQueue, ScheduledReminder } from "../../core/ports/home.js";
import type { NewJob, QueuedJob } from "../../core/ports/queue.js";
import type {
  ContactKey,
  ConversationStore,
  Erasure,
  InboundEffects,
  InboundOutcome,
  InboundState,
  InboxChange,
  InboxChangeOutcome,
  InboxCounts,
  NewReply,
  NewStart,
  StartDecision,
  StartOutcome,
  StartState,
  Write,
} from "../../core/ports/store.js";
import type { PrismaClient } from "../client.js";
import { SqlErasure } from "../queries/erasure.js";
import { SqlHeldMessages } from "../queries/held-messages.js";
import { SqlHomeQueries } from "../queries/home.js";
import { SqlSearch } from "../queries/search.js";
import { SqlTeamSettings } from "../queries/team-settings.js";
import type { SqliteConnection } from "./connection.js";
import { type SqliteDeliveryQueue, toQueued } from "./delivery-queue.js";
import { sqliteDate } from "./prisma-adapter.js";
import {
  columnValue,
  toContact,
  toConversation,
  toInbox,
  toMessage,
  toSentPart,
  toTeamSettings,
} from "./rows.js";
import { SqliteSql } from "./sql.js";
import { storeStatements } from "./store-statements.js";

type Row = Record<string, unknown>;

/** How many of the jobs are posts of customer messages. */
const customerPosts = (jobs: readonly QueuedJob[]) =>
  jobs.filter((job) => job.kind === "slack.postInbound").length;
type Table = "Conversation" | "Message" | "Contact" | "Inbox";

/**
 * The conversation store on SQLite. The hot path (recording inbound messages, replies and provider reports,
 * reading what a delivery job needs) is prepared statements in the connection's group commit: no ORM, no await
 * inside a transaction. The cold paths (commands, counts, transcript, media) go through Prisma Client on the same
 * connection.
 */
export class SqliteConversationStore implements ConversationStore {
  private prepared: ReturnType<typeof storeStatements> | null = null;
  private readonly updates = new Map<string, Statement>();
  private readonly home: SqlHomeQueries;
  private readonly held: SqlHeldMessages;
  private readonly team: SqlTeamSettings;
  private readonly erasure: SqlErasure;
  private readonly search: SqlSearch;
  private readonly sql: SqliteSql;

  constructor(
    private readonly connection: SqliteConnection,
    private readonly queue: SqliteDeliveryQueue,
    private readonly prisma: PrismaClient,
    private readonly lanesOf: (conversationId: number) => readonly string[],
  ) {
    const sql = new SqliteSql(connection);
    this.sql = sql;
    this.erasure = new SqlErasure(sql, lanesOf);
    this.search = new SqlSearch(sql);
    this.home = new SqlHomeQueries(sql);
    this.held = new SqlHeldMessages(sql);
    this.team = new SqlTeamSettings(sql);
  }

  /** Prepared on first use: the tables exist only once the database is migrated. */
  private get statements(): ReturnType<typeof storeStatements> {
    this.prepared ??= storeStatements(this.connection.db);
    return this.prepared;
  }

  async recordInbound(
    inbound: InboundMessage,
    decide: (state: InboundState) => InboundEffects,
  ): Promise<InboundOutcome> {
    const { outcome, jobs } = await this.connection.write(() => {
      const known = this.statements.messageByProvider.get(inbound.kind, inbound.providerMessageId) as Row;
      if (known) return { outcome: { result: "duplicate" as const, messageId: Number(known.id) }, jobs: [] };
      const now = sqliteDate(new Date());
      const inbox = toInbox(
        this.findOrInsert("inbox", "insertInbox", [inbound.kind, inbound.inboxAddress], now),
      );
      const contact = toContact(
        this.findOrInsert("contact", "insertContact", [inbound.kind, inbound.contactAddress], now),
      );
      const found = this.statements.conversation.get(inbox.id, contact.id) as Row | undefined;
      const conversation = toConversation(
        found ?? (this.statements.insertConversation.get(inbox.id, contact.id, now, now) as Row),
      );
      const teamRow = inbox.slackChannelId
        ? (this.statements.teamSettings.get(inbox.slackChannelId) as Row | undefined)
        : undefined;
      const team = inbox.slackChannelId ? (teamRow ? toTeamSettings(teamRow) : noTeamSettings) : null;
      const effects = decide({ inbox, contact, conversation, created: !found, team });
      this.update("Conversation", conversation.id, effects.conversation, now);
      const messageId = this.insertMessage({
        conversationId: conversation.id,
        direction: "in",
        body: inbound.text,
        attachments: JSON.stringify(inbound.attachments),
        provider: inbound.kind,
        providerMessageId: inbound.providerMessageId,
        slackChannelId: null,
        slackTs: null,
        authorSlackUserId: null,
        status: "received",
        createdAt: sqliteDate(inbound.receivedAt),
        updatedAt: now,
      });
      const autoReplyId =
        effects.autoReply === undefined
          ? null
          : this.insertMessage({
              conversationId: conversation.id,
              direction: "out",
              body: effects.autoReply,
              attachments: "[]",
              provider: inbound.kind,
              providerMessageId: null,
              slackChannelId: null,
              slackTs: null,
              authorSlackUserId: null,
              status: "pending",
              createdAt: now,
              updatedAt: now,
            });
      return {
        outcome: { result: "recorded" as const, conversationId: conversation.id, messageId },
        jobs: this.queue.insert(effects.jobs({ conversationId: conversation.id, messageId, autoReplyId })),
      };
    });
    this.queue.announce(jobs);
    return outcome;
  }

  async recordReply(reply: NewReply, jobs: (messageId: number) => readonly NewJob[]): Promise<number | null> {
    const result = await this.connection.write(() => {
      if (this.statements.messageBySlackTs.get(reply.channelId, reply.ts)) return null;
      const now = sqliteDate(new Date());
      const messageId = this.insertMessage({
        conversationId: reply.conversationId,
        direction: "out",
        body: reply.text,
        attachments: JSON.stringify(reply.files),
        provider: reply.provider,
        providerMessageId: null,
        slackChannelId: reply.channelId,
        slackTs: reply.ts,
        authorSlackUserId: reply.userId,
        status: "pending",
        createdAt: now,
        updatedAt: now,
      });
      this.statements.endWait.run(now, reply.conversationId);
      return { messageId, jobs: this.queue.insert(jobs(messageId)) };
    });
    if (!result) return null;
    this.queue.announce(result.jobs);
    return result.messageId;
  }

  async recordReport(
    report: Parameters<ConversationStore["recordReport"]>[0],
    decide: (messages: readonly Message[], parts: readonly SentPart[]) => Write,
  ): Promise<readonly Message[]> {
    const { changed, jobs } = await this.connection.write(() => {
      const byId = new Map<number, Message>();
      for (const providerMessageId of report.providerMessageIds) {
        const row = (this.statements.messageByProvider.get(report.kind, providerMessageId) ??
          this.statements.messageByPart.get(report.kind, providerMessageId)) as Row | undefined;
        if (row && row.direction === "out") byId.set(Number(row.id), toMessage(row));
      }
      if (report.upTo) {
        const rows = this.statements.reportedUpTo.all({
          kind: report.kind,
          inbox: report.inboxAddress,
          contact: report.contactAddress,
          upTo: sqliteDate(report.upTo),
        }) as Row[];
        for (const row of rows) byId.set(Number(row.id), toMessage(row));
      }
      const messages = [...byId.values()].sort((a, b) => a.id - b.id);
      const parts = messages.flatMap((message) =>
        (this.statements.sentParts.all(message.id) as Row[]).map(toSentPart),
      );
      const write = decide(messages, parts);
      const inserted = this.applyWrite(write);
      const changedIds = new Set((write.messages ?? []).map(([id]) => id));
      return { changed: messages.filter((message) => changedIds.has(message.id)), jobs: inserted };
    });
    this.queue.announce(jobs);
    return changed;
  }

  async write(write: Write): Promise<void> {
    this.queue.announce(await this.connection.write(() => this.applyWrite(write)));
  }

  async recordNudge(nudge: Nudge, jobs: readonly NewJob[]): Promise<boolean> {
    const committed = await this.connection.write(() => {
      const inserted = this.statements.insertNudge.run(
        nudge.conversationId,
        sqliteDate(nudge.unansweredSince),
        nudge.assigneeId,
        sqliteDate(nudge.postedAt),
      );
      return inserted.changes > 0 ? this.queue.insert(jobs) : null;
    });
    if (committed) this.queue.announce(committed);
    return committed !== null;
  }

  async unassign(conversationId: number, assigneeId: string, jobs: readonly NewJob[]): Promise<boolean> {
    const committed = await this.connection.write(() => {
      const cleared = this.statements.unassign.run(sqliteDate(new Date()), conversationId, assigneeId);
      return cleared.changes > 0 ? this.queue.insert(jobs) : null;
    });
    if (committed) this.queue.announce(committed);
    return committed !== null;
  }

  async recordSentPart(messageId: number, part: Omit<SentPart, "messageId">): Promise<void> {
    await this.connection.write(() =>
      this.statements.insertSentPart.run({
        messageId,
        index: part.index,
        providerMessageId: part.providerMessageId,
        status: part.status,
        at: sqliteDate(new Date()),
      }),
    );
  }

  async sentParts(messageId: number): Promise<readonly SentPart[]> {
    return (this.statements.sentParts.all(messageId) as Row[]).map(toSentPart);
  }

  async partsOfOtherMessages(
    kind: ChannelKind,
    providerMessageIds: readonly string[],
    messageId: number,
  ): Promise<ReadonlySet<string>> {
    return new Set(
      providerMessageIds.filter((id) => {
        const part = this.statements.partByProvider.get(kind, id) as Row | undefined;
        return part !== undefined && Number(part.messageId) !== messageId;
      }),
    );
  }

  async startConversation(
    start: NewStart,
    decide: (state: StartState) => StartDecision,
  ): Promise<StartOutcome> {
    const { outcome, jobs } = await this.connection.write(() => {
      const inboxRow = this.statements.inboxById.get(start.inboxId) as Row | undefined;
      if (!inboxRow)
        return { outcome: { result: "refused" as const, reason: "the inbox is gone" }, jobs: [] };
      const inbox = toInbox(inboxRow);
      const contactRow = this.statements.contact.get(inbox.kind, start.contactAddress) as Row | undefined;
      const conversationRow = contactRow
        ? (this.statements.conversation.get(inbox.id, contactRow.id) as Row | undefined)
        : undefined;
      const since = sqliteDate(start.countStartsSince);
      const recent = this.statements.recentStarts.get(start.userId, since) as Row;
      const decision = decide({
        recentStarts: Number(recent.count),
        inbox,
        contact: contactRow ? toContact(contactRow) : null,
        conversation: conversationRow ? toConversation(conversationRow) : null,
      });
      if ("refused" in decision) {
        return { outcome: { result: "refused" as const, reason: decision.refused }, jobs: [] };
      }
      const now = sqliteDate(new Date());
      this.statements.forgetStarts.run(start.userId, since);
      this.statements.recordStart.run(start.userId, now);
      const contactId = Number(
        (contactRow ?? (this.statements.insertContact.get(inbox.kind, start.contactAddress, now, now) as Row))
          .id,
      );
      const conversationId = Number(
        (conversationRow ?? (this.statements.insertConversation.get(inbox.id, contactId, now, now) as Row))
          .id,
      );
      this.update("Conversation", conversationId, decision.conversation, now);
      const messageId = this.insertMessage({
        conversationId,
        direction: "out",
        body: start.text,
        attachments: "[]",
        provider: inbox.kind,
        providerMessageId: null,
        slackChannelId: null,
        slackTs: null,
        authorSlackUserId: start.userId,
        status: "pending",
        createdAt: now,
        updatedAt: now,
      });
      return {
        outcome: { result: "started" as const, conversationId, messageId, created: !conversationRow },
        jobs: this.queue.insert(decision.jobs({ conversationId, messageId })),
      };
    });
    this.queue.announce(jobs);
    return outcome;
  }

  async adoptThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    const now = sqliteDate(new Date());
    return this.connection.writeNow(
      () => this.statements.adoptThread.run({ conversationId, channelId, threadTs, now }).changes > 0,
    );
  }

  async forgetThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    return this.connection.write(() => {
      const now = sqliteDate(new Date());
      this.statements.rememberThread.run(now, conversationId, channelId, threadTs);
      return this.statements.forgetThread.run(now, conversationId, channelId, threadTs).changes > 0;
    });
  }

  findConversations(inboxIds: readonly number[], text: string, limit: number) {
    return this.search.conversations(inboxIds, text, limit);
  }

  async messageBySlackTs(channelId: string, ts: string): Promise<Message | null> {
    const row = this.statements.messageBySlackTs.get(channelId, ts) as Row | undefined;
    return row ? this.message(Number(row.id)) : null;
  }

  async conversationContext(conversationId: number): Promise<ConversationContext | null> {
    const row = this.statements.conversationById.get(conversationId) as Row | undefined;
    return row ? this.context(row) : null;
  }

  async conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    const row = this.statements.conversationByThread.get(channelId, threadTs) as Row | undefined;
    return row ? this.context(row) : null;
  }

  async conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    const row = this.statements.conversationByPastThread.get(channelId, threadTs) as Row | undefined;
    return row ? this.context(row) : null;
  }

  async message(messageId: number): Promise<Message | null> {
    const row = this.statements.message.get(messageId) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async messageByProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null> {
    const row = this.statements.messageByProvider.get(kind, providerMessageId) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void> {
    await this.connection.writeNow(() =>
      this.update(
        "Conversation",
        conversationId,
        { slackChannelId: channelId, slackThreadTs: threadTs },
        sqliteDate(new Date()),
      ),
    );
  }

  async findInbox(kind: ChannelKind, address: string) {
    const row = this.statements.inbox.get(kind, address) as Row | undefined;
    return row ? toInbox(row) : null;
  }

  async inboxById(inboxId: number) {
    const row = this.statements.inboxById.get(inboxId) as Row | undefined;
    return row ? toInbox(row) : null;
  }

  async connectInbox(change: InboxChange): Promise<InboxChangeOutcome> {
    const result = await this.connection.write((): { outcome: InboxChangeOutcome; jobs: QueuedJob[] } => {
      const now = sqliteDate(new Date());
      const found = this.statements.inbox.get(change.kind, change.address) as Row | undefined;
      if (!found && !change.from.includes(null))
        return { outcome: { changed: false, inbox: null }, jobs: [] };
      const before = toInbox(
        found ?? (this.statements.insertInbox.get(change.kind, change.address, now, now) as Row),
      );
      if (!change.from.includes(before.slackChannelId)) {
        return { outcome: { changed: false, inbox: before }, jobs: [] };
      }
      if (before.slackChannelId && before.slackChannelId !== change.to) {
        this.statements.rememberThreads.run(now, before.id);
      }
      this.statements.connect.run(change.to, change.userId, now, now, before.id);
      const released = change.to ? this.unparkInbox(before.id) : [];
      return {
        outcome: { changed: true, before, released: customerPosts(released) },
        jobs: [...released, ...this.queue.insert(change.jobs ?? [])],
      };
    });
    this.queue.announce(result.jobs);
    return result.outcome;
  }

  async releaseHeld(inboxId: number): Promise<number> {
    const released = await this.connection.write(() => {
      this.statements.clearProblem.run(sqliteDate(new Date()), inboxId);
      return this.unparkInbox(inboxId);
    });
    this.queue.announce(released);
    return customerPosts(released);
  }

  heldMessages(inboxId: number) {
    return this.held.ofInbox(inboxId);
  }

  heldMessageCount() {
    return this.held.total();
  }

  /** Inside a write: the inbox's parked lanes run again; returns their jobs, to announce once committed. */
  private unparkInbox(inboxId: number): QueuedJob[] {
    const released: QueuedJob[] = [];
    for (const { id } of this.statements.conversationIds.all(inboxId) as { id: number }[]) {
      for (const lane of this.lanesOf(id)) {
        if (this.statements.unpark.run(lane).changes === 0) continue;
        released.push(...(this.statements.laneJobs.all(lane) as Row[]).map(toQueued));
      }
    }
    return released;
  }

  /** Read with every reply that ends a wait (to time it): a prepared statement, not Prisma. */
  teamSettings(slackChannelId: string): Promise<TeamSettings> {
    const row = this.statements.teamSettings.get(slackChannelId) as Row | undefined;
    return Promise.resolve(row ? toTeamSettings(row) : noTeamSettings);
  }

  saveTeamSettings(slackChannelId: string, changes: Partial<TeamSettings>, userId: string) {
    return this.team.save(slackChannelId, changes, userId);
  }

  async setInboxProblem(inboxId: number, problem: string | null) {
    await this.prisma.inbox.update({ where: { id: inboxId }, data: { deliveryProblem: problem } });
  }

  async inboxesForChannel(slackChannelId: string) {
    const rows = await this.prisma.inbox.findMany({ where: { slackChannelId }, orderBy: { id: "asc" } });
    return rows.map((row) => toInbox(row));
  }

  async connectedChannelIds(): Promise<readonly string[]> {
    const inboxes = await this.prisma.inbox.findMany({
      where: { slackChannelId: { not: null } },
      distinct: ["slackChannelId"],
      select: { slackChannelId: true },
    });
    return inboxes.flatMap((inbox) => (inbox.slackChannelId ? [inbox.slackChannelId] : []));
  }

  async countsForInbox(inboxId: number): Promise<InboxCounts> {
    const [open, closed, unassigned] = await Promise.all([
      this.prisma.conversation.count({ where: { inboxId, status: "open" } }),
      this.prisma.conversation.count({ where: { inboxId, status: "closed" } }),
      this.prisma.conversation.count({ where: { inboxId, status: "open", assigneeId: null } }),
    ]);
    return { open, closed, unassigned };
  }

  async waitingMessageCount(inboxId: number) {
    return Number((this.statements.waiting.get(inboxId) as Row).count);
  }

  async conversationMessages(conversationId: number) {
    const rows = await this.prisma.message.findMany({ where: { conversationId }, orderBy: { id: "asc" } });
    return rows.map((row) => toMessage(row));
  }

  async conversationNudges(conversationId: number): Promise<readonly Nudge[]> {
    return this.prisma.nudge.findMany({ where: { conversationId }, orderBy: { postedAt: "asc" } });
  }

  openAssignedTo(userId: string, inboxIds: readonly number[], limit: number): Promise<ConversationList> {
    return this.home.openAssignedTo(userId, inboxIds, limit);
  }

  unassignedOpen(inboxIds: readonly number[], limitPerInbox: number): Promise<readonly InboxQueue[]> {
    return this.home.unassignedOpen(inboxIds, limitPerInbox);
  }

  remindersOf(userId: string, inboxIds: readonly number[]): Promise<readonly ScheduledReminder[]> {
    return this.home.remindersOf(userId, inboxIds);
  }

  openAssignmentsIn(slackChannelId: string): Promise<readonly Assignment[]> {
    return this.home.openAssignmentsIn(slackChannelId);
  }

  connectedInboxes() {
    return this.home.connectedInboxes();
  }

  async saveMedia(content: MediaContent, expiresAt: Date, conversationId: number | null) {
    const token = randomBytes(24).toString("base64url");
    await this.prisma.mediaFile.create({
      data: {
        token,
        contentType: content.contentType,
        filename: content.filename,
        bytes: Buffer.from(content.bytes) as Uint8Array<ArrayBuffer>,
        expiresAt,
        conversationId,
      },
    });
    return token;
  }

  async media(token: string, now: Date): Promise<MediaContent | null> {
    const row = await this.prisma.mediaFile.findUnique({ where: { token } });
    if (!row || row.expiresAt <= now) return null;
    return { bytes: row.bytes, contentType: row.contentType, filename: row.filename };
  }

  async ping(): Promise<void> {
    this.connection.db.prepare("SELECT 1").get();
  }

  async deleteExpiredMedia(now: Date): Promise<number> {
    return this.erasure.deleteExpiredMedia(now);
  }

  async purgeClosedConversations(closedBefore: Date, limit: number): Promise<number> {
    return this.erasure.purgeClosed(closedBefore, limit);
  }

  async eraseContacts(
    contacts: readonly ContactKey[],
    jobs: (erasure: Erasure) => readonly NewJob[],
  ): Promise<Erasure> {
    const { erasure, queued } = await this.sql.transaction(() => this.eraseWithJobs(contacts, jobs));
    this.queue.announce(queued);
    return erasure;
  }

  /** SQLite runs the body synchronously in its write, so the queue's insert joins the transaction. */
  private *eraseWithJobs(contacts: readonly ContactKey[], jobs: (erasure: Erasure) => readonly NewJob[]) {
    const erasure = yield* this.erasure.erase(contacts);
    const found = erasure.contacts + erasure.conversations > 0;
    return { erasure, queued: found ? this.queue.insert(jobs(erasure)) : [] };
  }

  private context(row: Row): ConversationContext | null {
    const conversation = toConversation(row);
    const inbox = this.statements.inboxById.get(conversation.inboxId) as Row | undefined;
    const contact = this.statements.contactById.get(conversation.contactId) as Row | undefined;
    return inbox && contact ? { conversation, inbox: toInbox(inbox), contact: toContact(contact) } : null;
  }

  private findOrInsert(
    find: "inbox" | "contact",
    insert: "insertInbox" | "insertContact",
    key: readonly unknown[],
    now: string,
  ): Row {
    return (
      (this.statements[find].get(...key) as Row | undefined) ??
      (this.statements[insert].get(...key, now, now) as Row)
    );
  }

  private insertMessage(values: Record<string, unknown>): number {
    return Number((this.statements.insertMessage.get(values) as Row).id);
  }

  private applyWrite(write: Write): QueuedJob[] {
    const now = sqliteDate(new Date());
    for (const [id, changes] of write.conversations ?? []) this.update("Conversation", id, changes, now);
    for (const [id, changes] of write.messages ?? []) this.update("Message", id, changes, now);
    for (const [id, profile] of write.contacts ?? []) this.update("Contact", id, profile, now);
    for (const [messageId, index, status] of write.parts ?? []) {
      this.statements.updateSentPart.run(status, messageId, index);
    }
    return this.queue.insert(write.jobs ?? []);
  }

  /** `UPDATE table SET <changed columns>, updatedAt WHERE id`, prepared once per set of columns. */
  private update(table: Table, id: number, changes: object, now: string): void {
    const columns = Object.keys(changes).filter((column) => (changes as Row)[column] !== undefined);
    if (columns.length === 0) return;
    const key = `${table}:${columns.join(",")}`;
    let statement = this.updates.get(key);
    if (!statement) {
      const assignments = [...columns, "updatedAt"].map((column) => `"${column}" = ?`).join(", ");
      statement = this.connection.db.prepare(`UPDATE "${table}" SET ${assignments} WHERE "id" = ?`);
      this.updates.set(key, statement);
    }
    statement.run(...columns.map((column) => columnValue((changes as Row)[column])), now, id);
  }
}
