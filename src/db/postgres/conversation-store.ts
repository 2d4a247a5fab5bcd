import { randomBytes } from "node:crypto";
import type pg from "pg";
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
import { SqlErasure } from "../queries/erasure.js";
import { SqlHeldMessages } from "../queries/held-messages.js";
import { SqlHomeQueries } from "../queries/home.js";
import { SqlSearch } from "../queries/search.js";
import { SqlTeamSettings } from "../queries/team-settings.js";
import { toContact, toConversation, toInbox, toMessage, toSentPart, toTeamSettings } from "../sqlite/rows.js";
import type { PgPrismaClient } from "./client.js";
import { type PgDeliveryQueue, toQueued } from "./delivery-queue.js";
import { inTransaction } from "./pool.js";
import { PgSql, runSteps } from "./sql.js";
import { statements } from "./store-statements.js";

type Row = Record<string, unknown>;
type Table = "Conversation" | "Message" | "Contact" | "Inbox";

/** A transaction's outcome and the jobs to announce once it has committed. */
interface Committed<T> {
  readonly outcome: T;
  readonly jobs: readonly QueuedJob[];
}

/** Rolls a transaction back without it being a failure: someone else recorded the same thing first. */
class AlreadyRecorded {
  constructor(readonly messageId: number) {}
}

/** Rolls back a start the core refused, with the contact it may have inserted to decide. */
class StartRefused {
  constructor(readonly reason: string) {}
}

/** How many of the jobs are posts of customer messages. */
const customerPosts = (jobs: readonly QueuedJob[]) =>
  jobs.filter((job) => job.kind === "slack.postInbound").length;

/**
 * The conversation store on PostgreSQL, for several instances sharing one database. The hot path is prepared
 * statements through the pool, each write one transaction that runs only its own queries (no other await) and
 * announces its jobs after the commit. No group commit of our own: concurrent transactions run side by side on
 * the pool's connections, and PostgreSQL already flushes the WAL of commits that arrive together at once.
 * Rows two instances may create at the same moment (inbox, contact, conversation, a redelivered message) are
 * inserted with ON CONFLICT DO NOTHING and read back; decisions that read a conversation or the messages a
 * report covers lock those rows first, so instances decide one after the other as a single process would.
 * The cold paths go through Prisma Client on the same pool.
 */
export class PgConversationStore implements ConversationStore {
  private readonly updates = new Map<string, string>();
  private readonly home: SqlHomeQueries;
  private readonly held: SqlHeldMessages;
  private readonly erasure: SqlErasure;
  private readonly search: SqlSearch;
  private readonly team: SqlTeamSettings;

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: PgDeliveryQueue,
    private readonly prisma: PgPrismaClient,
    private readonly lanesOf: (conversationId: number) => readonly string[],
  ) {
    const sql = new PgSql(pool);
    this.home = new SqlHomeQueries(sql);
    this.held = new SqlHeldMessages(sql);
    this.erasure = new SqlErasure(sql, lanesOf);
    this.search = new SqlSearch(sql);
    this.team = new SqlTeamSettings(sql);
  }

  async recordInbound(
    inbound: InboundMessage,
    decide: (state: InboundState) => InboundEffects,
  ): Promise<InboundOutcome> {
    try {
      return await this.commit(async (client): Promise<Committed<InboundOutcome>> => {
        const now = new Date();
        const state = await this.inboundState(client, inbound, now);
        if (state.duplicate !== null) throw new AlreadyRecorded(Number(state.duplicate));
        const inbox = toInbox(state.inbox as Row);
        const contact = toContact(state.contact as Row);
        const created = state.created !== null;
        const conversation = toConversation((state.found ?? state.created) as Row);
        const message = await this.one(
          statements.insertInbound([
            conversation.id,
            inbound.text,
            JSON.stringify(inbound.attachments),
            inbound.kind,
            inbound.providerMessageId,
            inbound.receivedAt,
            now,
          ]),
          client,
        );
        if (!message) throw new AlreadyRecorded(await this.messageIdByProvider(inbound, client));
        const messageId = Number(message.id);
        const team = state.team ? toTeamSettings(state.team as Row) : noTeamSettings;
        const effects = decide({
          inbox,
          contact,
          conversation,
          created,
          team: inbox.slackChannelId ? team : null,
        });
        await this.update(client, "Conversation", conversation.id, effects.conversation, now);
        const autoReply =
          effects.autoReply === undefined
            ? null
            : await this.one(
                statements.insertStart([conversation.id, effects.autoReply, inbound.kind, null, now]),
                client,
              );
        const autoReplyId = autoReply ? Number(autoReply.id) : null;
        return {
          outcome: { result: "recorded", conversationId: conversation.id, messageId },
          jobs: await this.queue.insert(
            client,
            effects.jobs({ conversationId: conversation.id, messageId, autoReplyId }),
            now,
          ),
        };
      });
    } catch (error) {
      if (error instanceof AlreadyRecorded) return { result: "duplicate", messageId: error.messageId };
      throw error;
    }
  }

  async recordReply(reply: NewReply, jobs: (messageId: number) => readonly NewJob[]): Promise<number | null> {
    return this.commit(async (client): Promise<Committed<number | null>> => {
      const now = new Date();
      const row = await this.one(
        statements.insertReply([
          reply.conversationId,
          reply.text,
          JSON.stringify(reply.files),
          reply.provider,
          reply.channelId,
          reply.ts,
          reply.userId,
          now,
        ]),
        client,
      );
      if (!row) return { outcome: null, jobs: [] };
      await client.query(statements.endWait([reply.conversationId, now]));
      const messageId = Number(row.id);
      return { outcome: messageId, jobs: await this.queue.insert(client, jobs(messageId), now) };
    });
  }

  async recordReport(
    report: Parameters<ConversationStore["recordReport"]>[0],
    decide: (messages: readonly Message[], parts: readonly SentPart[]) => Write,
  ): Promise<readonly Message[]> {
    return this.commit(async (client): Promise<Committed<readonly Message[]>> => {
      const rows: Row[] = [];
      if (report.providerMessageIds.length > 0) {
        rows.push(
          ...(await client.query(statements.reportedById([report.kind, report.providerMessageIds]))).rows,
        );
      }
      if (report.upTo) {
        const upTo = [report.kind, report.inboxAddress, report.contactAddress, report.upTo];
        rows.push(...(await client.query(statements.reportedUpTo(upTo))).rows);
      }
      const byId = new Map(rows.map((row) => [Number(row.id), toMessage(row)]));
      const messages = [...byId.values()].sort((a, b) => a.id - b.id);
      const parts =
        messages.length === 0
          ? []
          : (await client.query(statements.sentPartsOf([messages.map((message) => message.id)]))).rows.map(
              toSentPart,
            );
      const write = decide(messages, parts);
      const jobs = await this.applyWrite(client, write);
      const changedIds = new Set((write.messages ?? []).map(([id]) => id));
      return { outcome: messages.filter((message) => changedIds.has(message.id)), jobs };
    });
  }

  async write(write: Write): Promise<void> {
    const changes = [write.conversations, write.messages, write.contacts, write.parts, write.jobs];
    // One change is one statement, atomic on its own: no BEGIN and COMMIT round trips (a delivered message's ts).
    if (changes.reduce((count, list) => count + (list?.length ?? 0), 0) === 1 && !write.jobs?.length) {
      await this.applyChanges(this.pool, write);
      return;
    }
    await this.commit(async (client) => ({ outcome: undefined, jobs: await this.applyWrite(client, write) }));
  }

  async recordNudge(nudge: Nudge, jobs: readonly NewJob[]): Promise<boolean> {
    return this.commit(async (client): Promise<Committed<boolean>> => {
      const { unansweredSince, assigneeId, postedAt } = nudge;
      const inserted = await client.query(
        statements.insertNudge([nudge.conversationId, unansweredSince, assigneeId, postedAt]),
      );
      if (inserted.rowCount === 0) return { outcome: false, jobs: [] };
      return { outcome: true, jobs: await this.queue.insert(client, jobs, new Date()) };
    });
  }

  async unassign(conversationId: number, assigneeId: string, jobs: readonly NewJob[]): Promise<boolean> {
    return this.commit(async (client): Promise<Committed<boolean>> => {
      const cleared = await client.query(statements.unassign([conversationId, assigneeId, new Date()]));
      if (cleared.rowCount === 0) return { outcome: false, jobs: [] };
      return { outcome: true, jobs: await this.queue.insert(client, jobs, new Date()) };
    });
  }

  async recordSentPart(messageId: number, part: Omit<SentPart, "messageId">): Promise<void> {
    await this.pool.query(
      statements.insertSentPart([messageId, part.index, part.providerMessageId, part.status, new Date()]),
    );
  }

  async sentParts(messageId: number): Promise<readonly SentPart[]> {
    return (await this.pool.query(statements.sentPartsOf([[messageId]]))).rows.map(toSentPart);
  }

  async partsOfOtherMessages(
    kind: ChannelKind,
    providerMessageIds: readonly string[],
    messageId: number,
  ): Promise<ReadonlySet<string>> {
    if (providerMessageIds.length === 0) return new Set();
    const { rows } = await this.pool.query(
      statements.partsOfOtherMessages([kind, providerMessageIds, messageId]),
    );
    return new Set(rows.map((row) => String(row.providerMessageId)));
  }

  async startConversation(
    start: NewStart,
    decide: (state: StartState) => StartDecision,
  ): Promise<StartOutcome> {
    try {
      return await this.commit(async (client): Promise<Committed<StartOutcome>> => {
        const inboxRow = await this.one(statements.inboxById([start.inboxId]), client);
        if (!inboxRow) return { outcome: { result: "refused", reason: "the inbox is gone" }, jobs: [] };
        const inbox = toInbox(inboxRow);
        const now = new Date();
        // Both rows exist (and the conversation is locked) before deciding, so the decision sees what another
        // instance committed meanwhile; a refusal rolls back what this one inserted.
        const key = [inbox.kind, start.contactAddress];
        const foundContact = await this.one(statements.contact(key), client);
        const newContact = foundContact
          ? null
          : await this.one(statements.insertContact([...key, now]), client);
        const contactRow = foundContact ?? newContact ?? (await this.one(statements.contact(key), client));
        if (!contactRow) throw new Error(`the contact ${start.contactAddress} could not be created`);
        const contactId = Number(contactRow.id);
        const foundConversation = await this.one(
          statements.conversationForUpdate([inbox.id, contactId]),
          client,
        );
        const newConversation = foundConversation
          ? null
          : await this.one(statements.insertConversation([inbox.id, contactId, now]), client);
        const conversationRow =
          foundConversation ??
          newConversation ??
          (await this.one(statements.conversationForUpdate([inbox.id, contactId]), client));
        if (!conversationRow)
          throw new Error(`the conversation of ${start.contactAddress} could not be created`);
        await client.query(statements.lockStarts([start.userId]));
        const recent = await this.one(
          statements.recentStarts([start.userId, start.countStartsSince]),
          client,
        );
        const decision = decide({
          recentStarts: Number(recent?.count ?? 0),
          inbox,
          contact: newContact ? null : toContact(contactRow),
          conversation: newConversation ? null : toConversation(conversationRow),
        });
        if ("refused" in decision) throw new StartRefused(decision.refused);
        const conversationId = Number(conversationRow.id);
        await client.query(statements.recordStart([start.userId, start.countStartsSince, now]));
        await this.update(client, "Conversation", conversationId, decision.conversation, now);
        const message = await this.one(
          statements.insertStart([conversationId, start.text, inbox.kind, start.userId, now]),
          client,
        );
        const messageId = Number(message?.id);
        return {
          outcome: { result: "started", conversationId, messageId, created: newConversation !== null },
          jobs: await this.queue.insert(client, decision.jobs({ conversationId, messageId }), now),
        };
      });
    } catch (error) {
      if (error instanceof StartRefused) return { result: "refused", reason: error.reason };
      throw error;
    }
  }

  async adoptThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      statements.adoptThread([new Date(), conversationId, channelId, threadTs]),
    );
    return (rowCount ?? 0) > 0;
  }

  async forgetThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      statements.forgetThread([new Date(), conversationId, channelId, threadTs]),
    );
    return (rowCount ?? 0) > 0;
  }

  findConversations(inboxIds: readonly number[], text: string, limit: number) {
    return this.search.conversations(inboxIds, text, limit);
  }

  async messageBySlackTs(channelId: string, ts: string): Promise<Message | null> {
    const row = await this.one(statements.messageBySlackTs([channelId, ts]));
    return row ? toMessage(row) : null;
  }

  async conversationContext(conversationId: number): Promise<ConversationContext | null> {
    return this.context(await this.one(statements.contextById([conversationId])));
  }

  async conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return this.context(await this.one(statements.contextByThread([channelId, threadTs])));
  }

  async conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return this.context(await this.one(statements.contextByPastThread([channelId, threadTs])));
  }

  async message(messageId: number): Promise<Message | null> {
    const row = await this.one(statements.message([messageId]));
    return row ? toMessage(row) : null;
  }

  async messageByProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null> {
    const row = await this.one(statements.messageByProvider([kind, providerMessageId]));
    return row ? toMessage(row) : null;
  }

  async setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void> {
    await this.update(
      this.pool,
      "Conversation",
      conversationId,
      { slackChannelId: channelId, slackThreadTs: threadTs },
      new Date(),
    );
  }

  async findInbox(kind: ChannelKind, address: string) {
    const row = await this.one(statements.inbox([kind, address]));
    return row ? toInbox(row) : null;
  }

  async inboxById(inboxId: number) {
    const row = await this.one(statements.inboxById([inboxId]));
    return row ? toInbox(row) : null;
  }

  async connectInbox(change: InboxChange): Promise<InboxChangeOutcome> {
    return this.commit(async (client): Promise<Committed<InboxChangeOutcome>> => {
      const now = new Date();
      // Locked: two people connecting the same inbox at once are decided one after the other.
      let found = await this.one(statements.inboxForUpdate([change.kind, change.address]), client);
      if (!found && !change.from.includes(null))
        return { outcome: { changed: false, inbox: null }, jobs: [] };
      found ??= await this.one(statements.insertInbox([change.kind, change.address, now]), client);
      found ??= await this.one(statements.inboxForUpdate([change.kind, change.address]), client);
      if (!found) throw new Error(`the inbox ${change.kind} ${change.address} could not be created`);
      const before = toInbox(found);
      if (!change.from.includes(before.slackChannelId)) {
        return { outcome: { changed: false, inbox: before }, jobs: [] };
      }
      if (before.slackChannelId && before.slackChannelId !== change.to) {
        await client.query(statements.rememberThreads([now, before.id]));
      }
      await client.query(statements.connect([change.to, change.userId, now, before.id]));
      const released = change.to ? await this.unparkInbox(client, before.id) : [];
      return {
        outcome: { changed: true, before, released: customerPosts(released) },
        jobs: [...released, ...(await this.queue.insert(client, change.jobs ?? [], now))],
      };
    });
  }

  async releaseHeld(inboxId: number): Promise<number> {
    return this.commit(async (client): Promise<Committed<number>> => {
      await client.query(statements.clearProblem([inboxId, new Date()]));
      const released = await this.unparkInbox(client, inboxId);
      return { outcome: customerPosts(released), jobs: released };
    });
  }

  heldMessages(inboxId: number) {
    return this.held.ofInbox(inboxId);
  }

  heldMessageCount() {
    return this.held.total();
  }

  /** In a transaction: the inbox's parked lanes run again; returns their jobs, told to the other instances. */
  private async unparkInbox(client: pg.PoolClient, inboxId: number): Promise<QueuedJob[]> {
    const { rows } = await client.query(statements.conversationIds([inboxId]));
    const lanes = rows.flatMap((row) => this.lanesOf(Number(row.id)));
    const unparked = (await client.query(statements.unpark([lanes]))).rows.map((row) => String(row.lane));
    if (unparked.length === 0) return [];
    const released = (await client.query(statements.laneJobs([unparked]))).rows.map(toQueued);
    await this.queue.notify(client, released);
    return released;
  }

  /** Read with every reply that ends a wait (to time it): a prepared statement, not Prisma. */
  async teamSettings(slackChannelId: string): Promise<TeamSettings> {
    const row = await this.one(statements.teamSettings([slackChannelId]));
    return row ? toTeamSettings(row) : noTeamSettings;
  }

  saveTeamSettings(slackChannelId: string, changes: Partial<TeamSettings>, userId: string) {
    return this.team.save(slackChannelId, changes, userId);
  }

  async setInboxProblem(inboxId: number, problem: string | null) {
    await this.prisma.inbox.update({ where: { id: inboxId }, data: { deliveryProblem: problem } });
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
    return Number((await this.one(statements.waiting([inboxId])))?.count ?? 0);
  }

  async conversationMessages(conversationId: number) {
    const rows = await this.prisma.message.findMany({ where: { conversationId }, orderBy: { id: "asc" } });
    return rows.map((row) => toMessage(row));
  }

  async conversationNudges(conversationId: number): Promise<readonly Nudge[]> {
    return this.prisma.nudge.findMany({ where: { conversationId }, orderBy: { postedAt: "asc" } });
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
    await this.pool.query("SELECT 1");
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
    return this.commit(async (client) => {
      const erasure = await runSteps(client, this.erasure.erase(contacts));
      const found = erasure.contacts + erasure.conversations > 0;
      return { outcome: erasure, jobs: found ? await this.queue.insert(client, jobs(erasure)) : [] };
    });
  }

  /** Runs `work` in one transaction and announces its jobs once it has committed. */
  private async commit<T>(work: (client: pg.PoolClient) => Promise<Committed<T>>): Promise<T> {
    const { outcome, jobs } = await inTransaction(this.pool, work);
    this.queue.announce(jobs);
    return outcome;
  }

  private async one(query: pg.QueryConfig, client: pg.ClientBase | pg.Pool = this.pool): Promise<Row | null> {
    return ((await client.query(query)).rows[0] as Row | undefined) ?? null;
  }

  private context(row: Row | null): ConversationContext | null {
    if (!row?.conversation || !row.inbox || !row.contact) return null;
    return {
      conversation: toConversation(row.conversation as Row),
      inbox: toInbox(row.inbox as Row),
      contact: toContact(row.contact as Row),
    };
  }

  /**
   * What an inbound message is decided on, in one round trip: whether it is already recorded, its inbox, contact
   * and conversation (found or inserted; the conversation locked until the commit, so messages of one
   * conversation are decided one after the other) and the team's settings. When another instance inserts one of
   * those rows at the same moment, ON CONFLICT waits for it to commit and the statement is run again: the new
   * snapshot sees the row.
   */
  private async inboundState(client: pg.ClientBase, inbound: InboundMessage, now: Date): Promise<Row> {
    const values = [
      inbound.kind,
      inbound.providerMessageId,
      inbound.inboxAddress,
      inbound.contactAddress,
      now,
    ];
    for (let attempt = 1; ; attempt++) {
      const state = await this.one(statements.inboundState(values), client);
      const complete = state?.inbox && state.contact && (state.found ?? state.created);
      if (state && (state.duplicate !== null || complete)) return state;
      if (attempt === 2)
        throw new Error(`the conversation of ${inbound.contactAddress} could be neither found nor created`);
    }
  }

  private async messageIdByProvider(inbound: InboundMessage, client: pg.ClientBase): Promise<number> {
    const row = await this.one(
      statements.messageByProvider([inbound.kind, inbound.providerMessageId]),
      client,
    );
    return Number(row?.id);
  }

  private async applyWrite(client: pg.ClientBase, write: Write): Promise<QueuedJob[]> {
    const now = new Date();
    await this.applyChanges(client, write, now);
    return this.queue.insert(client, write.jobs ?? [], now);
  }

  private async applyChanges(client: pg.ClientBase | pg.Pool, write: Write, now = new Date()): Promise<void> {
    for (const [id, changes] of write.conversations ?? [])
      await this.update(client, "Conversation", id, changes, now);
    for (const [id, changes] of write.messages ?? []) await this.update(client, "Message", id, changes, now);
    for (const [id, profile] of write.contacts ?? []) await this.update(client, "Contact", id, profile, now);
    for (const [messageId, index, status] of write.parts ?? []) {
      await client.query(statements.updateSentPart([status, messageId, index]));
    }
  }

  /** `UPDATE table SET <changed columns>, updatedAt WHERE id`, prepared once per set of columns. */
  private async update(
    client: pg.ClientBase | pg.Pool,
    table: Table,
    id: number,
    changes: object,
    now: Date,
  ): Promise<void> {
    const columns = Object.keys(changes).filter((column) => (changes as Row)[column] !== undefined);
    if (columns.length === 0) return;
    const key = `${table}:${columns.join(",")}`;
    let name = this.updates.get(key);
    if (!name) {
      name = `threadline_update_${this.updates.size + 1}`;
      this.updates.set(key, name);
    }
    const assignments = [...columns, "updatedAt"].map((column, index) => `"${column}" = $${index + 1}`);
    await client.query({
      name,
      text: `UPDATE "${table}" SET ${assignments.join(", ")} WHERE "id" = $${columns.length + 2}`,
      values: [...columns.map((column) => (changes as Row)[column] ?? null), now, id],
    });
  }
}
