import type { ConversationStore } from "../../core/ports/store.js";
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

/** The arguments of the port's method `Name`, which the store hands to the area that answers it. */
type Args<Name extends keyof ConversationStore> = Parameters<ConversationStore[Name]>;

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

  recordInbound(...args: Args<"recordInbound">) {
    return this.inbound.recordInbound(...args);
  }

  recordReply(...args: Args<"recordReply">) {
    return this.inbound.recordReply(...args);
  }

  recordReport(...args: Args<"recordReport">) {
    return this.inbound.recordReport(...args);
  }

  write(...args: Args<"write">) {
    return this.inbound.write(...args);
  }

  recordNudge(...args: Args<"recordNudge">) {
    return this.inbound.recordNudge(...args);
  }

  unassign(...args: Args<"unassign">) {
    return this.inbound.unassign(...args);
  }

  recordSentPart(...args: Args<"recordSentPart">) {
    return this.messages.recordSentPart(...args);
  }

  sentParts(...args: Args<"sentParts">) {
    return this.messages.sentParts(...args);
  }

  partsOfOtherMessages(...args: Args<"partsOfOtherMessages">) {
    return this.messages.partsOfOtherMessages(...args);
  }

  message(...args: Args<"message">) {
    return this.messages.message(...args);
  }

  messageByProviderId(...args: Args<"messageByProviderId">) {
    return this.messages.byProviderId(...args);
  }

  messageBySlackTs(...args: Args<"messageBySlackTs">) {
    return this.messages.bySlackTs(...args);
  }

  conversationMessages(...args: Args<"conversationMessages">) {
    return this.messages.ofConversation(...args);
  }

  // ---- Conversations and threads ----

  startConversation(...args: Args<"startConversation">) {
    return this.conversations.startConversation(...args);
  }

  adoptThread(...args: Args<"adoptThread">) {
    return this.conversations.adoptThread(...args);
  }

  forgetThread(...args: Args<"forgetThread">) {
    return this.conversations.forgetThread(...args);
  }

  setConversationThread(...args: Args<"setConversationThread">) {
    return this.conversations.setConversationThread(...args);
  }

  conversationContext(...args: Args<"conversationContext">) {
    return this.conversations.context(...args);
  }

  conversationByThread(...args: Args<"conversationByThread">) {
    return this.conversations.byThread(...args);
  }

  conversationByPastThread(...args: Args<"conversationByPastThread">) {
    return this.conversations.byPastThread(...args);
  }

  conversationNudges(...args: Args<"conversationNudges">) {
    return this.conversations.nudges(...args);
  }

  findConversations(...args: Args<"findConversations">) {
    return this.search.conversations(...args);
  }

  // ---- Inboxes, their channels and teams (the App Home's lists and held messages delegated) ----

  findInbox(...args: Args<"findInbox">) {
    return this.inboxes.find(...args);
  }

  inboxById(...args: Args<"inboxById">) {
    return this.inboxes.byInboxId(...args);
  }

  inboxesForChannel(...args: Args<"inboxesForChannel">) {
    return this.inboxes.forChannel(...args);
  }

  connectedChannelIds(...args: Args<"connectedChannelIds">) {
    return this.inboxes.connectedChannelIds(...args);
  }

  connectInbox(...args: Args<"connectInbox">) {
    return this.inboxes.connect(...args);
  }

  releaseHeld(...args: Args<"releaseHeld">) {
    return this.inboxes.releaseHeld(...args);
  }

  setInboxProblem(...args: Args<"setInboxProblem">) {
    return this.inboxes.setProblem(...args);
  }

  countsForInbox(...args: Args<"countsForInbox">) {
    return this.inboxes.counts(...args);
  }

  waitingMessageCount(...args: Args<"waitingMessageCount">) {
    return this.inboxes.waiting(...args);
  }

  teamSettings(...args: Args<"teamSettings">) {
    return this.teams.of(...args);
  }

  saveTeamSettings(...args: Args<"saveTeamSettings">) {
    return this.teams.save(...args);
  }

  heldMessages(...args: Args<"heldMessages">) {
    return this.held.ofInbox(...args);
  }

  heldMessageCount(...args: Args<"heldMessageCount">) {
    return this.held.total(...args);
  }

  openAssignedTo(...args: Args<"openAssignedTo">) {
    return this.home.openAssignedTo(...args);
  }

  unassignedOpen(...args: Args<"unassignedOpen">) {
    return this.home.unassignedOpen(...args);
  }

  remindersOf(...args: Args<"remindersOf">) {
    return this.home.remindersOf(...args);
  }

  openAssignmentsIn(...args: Args<"openAssignmentsIn">) {
    return this.home.openAssignmentsIn(...args);
  }

  connectedInboxes(...args: Args<"connectedInboxes">) {
    return this.home.connectedInboxes(...args);
  }

  // ---- Files, retention and erasure ----

  saveMedia(...args: Args<"saveMedia">) {
    return this.retention.saveMedia(...args);
  }

  media(...args: Args<"media">) {
    return this.retention.media(...args);
  }

  deleteExpiredMedia(...args: Args<"deleteExpiredMedia">) {
    return this.retention.deleteExpiredMedia(...args);
  }

  purgeClosedConversations(...args: Args<"purgeClosedConversations">) {
    return this.retention.purgeClosed(...args);
  }

  eraseContacts(...args: Args<"eraseContacts">) {
    return this.retention.eraseContacts(...args);
  }

  async ping(): Promise<void> {
    await this.pingStatement.read({});
  }
}
