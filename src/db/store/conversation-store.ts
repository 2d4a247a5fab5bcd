import type {
  ChannelKind,
  ConversationContext,
  InboundMessage,
  MediaContent,
  Message,
  Nudge,
  SentPart,
  TeamSettings,
} from "../../core/model.js";
import type { NewJob } from "../../core/ports/queue.js";
import type {
  ContactKey,
  ConversationMatch,
  ConversationStore,
  Erasure,
  HeldMessages,
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
import { SqlHeldMessages } from "../queries/held-messages.js";
import { SqlHomeQueries } from "../queries/home.js";
import { SqlSearch } from "../queries/search.js";
import { SqlTeamSettings } from "../queries/team-settings.js";
import type { SqlDatabase } from "../sql/database.js";
import { statement } from "../sql/statement.js";
import { Conversations, type LockStarts } from "./conversations.js";
import { InboundWrites } from "./inbound.js";
import { type InboundStateStep, inboundStateInSteps } from "./inbound-state.js";
import { Inboxes } from "./inboxes.js";
import { Messages } from "./messages.js";
import { Retention } from "./retention.js";
import { RowUpdates, type StoreJobs, type StoreParts } from "./shared.js";

/**
 * The steps a database takes its own way. The defaults are SQLite's: its write transactions run one at a
 * time in this process, so nothing is locked.
 */
export interface StoreDialect {
  readonly inboundState?: (database: SqlDatabase) => InboundStateStep;
  readonly lockStarts?: (database: SqlDatabase) => LockStarts;
}

const ping = statement<Record<string, never>, { one: number }>("store_ping", ({ db }) =>
  db.selectNoFrom((eb) => eb.lit(1).as("one")),
);

/**
 * The conversation store, written once for SQLite and PostgreSQL (decision 0024). The hot path (inbound
 * messages, replies, provider reports, what a delivery job reads) is prepared statements, each write one
 * transaction that runs only its own statements, committed in SQLite's group commit or on a pooled PostgreSQL
 * connection; its jobs are announced once it has committed. Rows two instances may create at the same moment
 * are inserted with ON CONFLICT DO NOTHING and read back; reads that decide a write lock their rows first
 * where the database locks rows, so instances decide one after the other as a single process would.
 */
export class SqlConversationStore implements ConversationStore {
  private readonly messages: Messages;
  private readonly inbound: InboundWrites;
  private readonly conversations: Conversations;
  private readonly inboxes: Inboxes;
  private readonly retention: Retention;
  private readonly pingStatement;
  private readonly home: SqlHomeQueries;
  private readonly held: SqlHeldMessages;
  private readonly search: SqlSearch;
  private readonly teams: SqlTeamSettings;

  constructor(
    database: SqlDatabase,
    jobs: StoreJobs,
    lanesOf: (conversationId: number) => readonly string[],
    dialect: StoreDialect = {},
  ) {
    const parts: StoreParts = { database, jobs, lanesOf };
    const updates = new RowUpdates(database);
    this.messages = new Messages(database);
    const inboundState = (dialect.inboundState ?? inboundStateInSteps)(database);
    this.inbound = new InboundWrites(parts, this.messages, updates, inboundState);
    const lockStarts = dialect.lockStarts?.(database) ?? function* () {};
    this.conversations = new Conversations(parts, this.messages, updates, lockStarts);
    this.inboxes = new Inboxes(parts);
    this.retention = new Retention(parts);
    this.pingStatement = database.prepare(ping);
    this.home = new SqlHomeQueries(database);
    this.held = new SqlHeldMessages(database);
    this.search = new SqlSearch(database);
    this.teams = new SqlTeamSettings(database);
  }

  // ---- The hot path ----

  recordInbound(
    inbound: InboundMessage,
    decide: (state: InboundState) => InboundEffects,
  ): Promise<InboundOutcome> {
    return this.inbound.recordInbound(inbound, decide);
  }

  recordReply(reply: NewReply, jobs: (messageId: number) => readonly NewJob[]): Promise<number | null> {
    return this.inbound.recordReply(reply, jobs);
  }

  recordReport(
    report: Parameters<ConversationStore["recordReport"]>[0],
    decide: (messages: readonly Message[], parts: readonly SentPart[]) => Write,
  ): Promise<readonly Message[]> {
    return this.inbound.recordReport(report, decide);
  }

  write(write: Write): Promise<void> {
    return this.inbound.write(write);
  }

  recordNudge(nudge: Nudge, jobs: readonly NewJob[]): Promise<boolean> {
    return this.inbound.recordNudge(nudge, jobs);
  }

  unassign(conversationId: number, assigneeId: string, jobs: readonly NewJob[]): Promise<boolean> {
    return this.inbound.unassign(conversationId, assigneeId, jobs);
  }

  recordSentPart(messageId: number, part: Omit<SentPart, "messageId">): Promise<void> {
    return this.messages.recordSentPart(messageId, part);
  }

  sentParts(messageId: number): Promise<readonly SentPart[]> {
    return this.messages.sentParts(messageId);
  }

  partsOfOtherMessages(
    kind: ChannelKind,
    ids: readonly string[],
    messageId: number,
  ): Promise<ReadonlySet<string>> {
    return this.messages.partsOfOtherMessages(kind, ids, messageId);
  }

  message(messageId: number): Promise<Message | null> {
    return this.messages.message(messageId);
  }

  messageByProviderId(kind: ChannelKind, providerMessageId: string): Promise<Message | null> {
    return this.messages.byProviderId(kind, providerMessageId);
  }

  messageBySlackTs(channelId: string, ts: string): Promise<Message | null> {
    return this.messages.bySlackTs(channelId, ts);
  }

  conversationMessages(conversationId: number): Promise<readonly Message[]> {
    return this.messages.ofConversation(conversationId);
  }

  // ---- Conversations and threads ----

  startConversation(start: NewStart, decide: (state: StartState) => StartDecision): Promise<StartOutcome> {
    return this.conversations.startConversation(start, decide);
  }

  adoptThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    return this.conversations.adoptThread(conversationId, channelId, threadTs);
  }

  forgetThread(conversationId: number, channelId: string, threadTs: string): Promise<boolean> {
    return this.conversations.forgetThread(conversationId, channelId, threadTs);
  }

  setConversationThread(conversationId: number, channelId: string, threadTs: string): Promise<void> {
    return this.conversations.setConversationThread(conversationId, channelId, threadTs);
  }

  conversationContext(conversationId: number): Promise<ConversationContext | null> {
    return this.conversations.context(conversationId);
  }

  conversationByThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return this.conversations.byThread(channelId, threadTs);
  }

  conversationByPastThread(channelId: string, threadTs: string): Promise<ConversationContext | null> {
    return this.conversations.byPastThread(channelId, threadTs);
  }

  conversationNudges(conversationId: number): Promise<readonly Nudge[]> {
    return this.conversations.nudges(conversationId);
  }

  findConversations(
    inboxIds: readonly number[],
    text: string,
    limit: number,
  ): Promise<readonly ConversationMatch[]> {
    return this.search.conversations(inboxIds, text, limit);
  }

  // ---- Inboxes, their channels and teams (the App Home's queries and held messages delegated) ----

  findInbox(kind: ChannelKind, address: string) {
    return this.inboxes.find(kind, address);
  }

  inboxById(inboxId: number) {
    return this.inboxes.byInboxId(inboxId);
  }

  inboxesForChannel(slackChannelId: string) {
    return this.inboxes.forChannel(slackChannelId);
  }

  connectedChannelIds(): Promise<readonly string[]> {
    return this.inboxes.connectedChannelIds();
  }

  connectInbox(change: InboxChange): Promise<InboxChangeOutcome> {
    return this.inboxes.connect(change);
  }

  releaseHeld(inboxId: number): Promise<number> {
    return this.inboxes.releaseHeld(inboxId);
  }

  setInboxProblem(inboxId: number, problem: string | null): Promise<void> {
    return this.inboxes.setProblem(inboxId, problem);
  }

  countsForInbox(inboxId: number): Promise<InboxCounts> {
    return this.inboxes.counts(inboxId);
  }

  waitingMessageCount(inboxId: number): Promise<number> {
    return this.inboxes.waiting(inboxId);
  }

  teamSettings(slackChannelId: string): Promise<TeamSettings> {
    return this.teams.of(slackChannelId);
  }

  saveTeamSettings(
    slackChannelId: string,
    changes: Partial<TeamSettings>,
    userId: string,
  ): Promise<TeamSettings> {
    return this.teams.save(slackChannelId, changes, userId);
  }

  heldMessages(inboxId: number): Promise<readonly HeldMessages[]> {
    return this.held.ofInbox(inboxId);
  }

  heldMessageCount(): Promise<number> {
    return this.held.total();
  }

  openAssignedTo(userId: string, inboxIds: readonly number[], limit: number) {
    return this.home.openAssignedTo(userId, inboxIds, limit);
  }

  unassignedOpen(inboxIds: readonly number[], limitPerInbox: number) {
    return this.home.unassignedOpen(inboxIds, limitPerInbox);
  }

  remindersOf(userId: string, inboxIds: readonly number[]) {
    return this.home.remindersOf(userId, inboxIds);
  }

  openAssignmentsIn(slackChannelId: string) {
    return this.home.openAssignmentsIn(slackChannelId);
  }

  connectedInboxes() {
    return this.home.connectedInboxes();
  }

  // ---- Files, retention and erasure ----

  saveMedia(content: MediaContent, expiresAt: Date, conversationId: number | null): Promise<string> {
    return this.retention.saveMedia(content, expiresAt, conversationId);
  }

  media(token: string, now: Date): Promise<MediaContent | null> {
    return this.retention.media(token, now);
  }

  deleteExpiredMedia(now: Date): Promise<number> {
    return this.retention.deleteExpiredMedia(now);
  }

  purgeClosedConversations(closedBefore: Date, limit: number): Promise<number> {
    return this.retention.purgeClosed(closedBefore, limit);
  }

  eraseContacts(
    contacts: readonly ContactKey[],
    jobs: (erasure: Erasure) => readonly NewJob[],
  ): Promise<Erasure> {
    return this.retention.eraseContacts(contacts, jobs);
  }

  async ping(): Promise<void> {
    await this.pingStatement.read({});
  }
}
