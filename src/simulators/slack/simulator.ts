import type { IncomingMessage } from "node:http";
import { Changes } from "../changes.js";
import { type LocalServer, listen, type Reply, readBody, text } from "../http.js";
import { waitFor } from "../wait.js";
import { eventEnvelope } from "./events.js";
import { receiveUpload, serveFile } from "./file-transfers.js";
import { Interactions } from "./interactions.js";
import { Modals, type OpenModal } from "./modals.js";
import { ResponseUrls } from "./response-urls.js";
import { ACK_TIMEOUT_MS, SocketModeServer, type SocketRouting } from "./socket-mode.js";
import type {
  AckOptions,
  ApiCall,
  ChannelInput,
  DisconnectReason,
  FailSpec,
  Json,
  PublishedHome,
  RateLimitSpec,
  SimulatedChannel,
  SimulatedUser,
  SlackFile,
  SocketAck,
  SocketEnvelope,
  StoredMessage,
  UserInput,
} from "./types.js";
import { UserActions } from "./user-actions.js";
import { DEFAULT_SCOPES, WebApi } from "./web-api.js";
import { type StepDefinition, type StepRun, WorkflowRuns } from "./workflow-runs.js";
import { Workspace } from "./workspace.js";

export interface SimulatorTokens {
  readonly bot: `xoxb-${string}`;
  readonly app: `xapp-${string}`;
}

const testTokens: SimulatorTokens = { bot: "xoxb-test-token", app: "xapp-test-token" };

/**
 * A local Slack: the Web API over HTTP, Socket Mode over WebSocket, and a workspace whose state tests
 * can arrange and inspect. Point Bolt at `apiUrl` (clientOptions and installerOptions.clientOptions).
 */
export class SlackSimulator {
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId = "T111";
  readonly teamDomain = "threadline-test";
  readonly botUserId = "UBOT";
  readonly botId = "BBOT";
  readonly appId = "A111";
  readonly apiUrl: string;
  /** Reported in x-oauth-scopes and enforced per method (missing_scope). */
  grantedScopes: string[] = [...DEFAULT_SCOPES];
  /** Deliver the bot's own posts and edits back to the app as message events, as Slack does. */
  echoBotMessages = true;
  /**
   * The most users or channel members one page of users.list / conversations.members holds. Slack may
   * return fewer items than `limit` asks for; lower this to make a small workspace span several pages.
   */
  maxPageSize = 1000;
  /** Where chat.getPermalink links point (a demo points them at its own page, which opens the thread). */
  workspaceUrl = `https://${this.teamDomain}.slack.com`;
  /** How long Web API answers take after the call took effect (a slow Slack; a caller may die before it hears). */
  apiAnswerDelayMs = 0;
  /** Notified after every request the app makes (posts, updates, uploads, reactions, responses). */
  readonly changes = new Changes();

  private readonly workspace: Workspace;
  private readonly webApi: WebApi;
  private readonly socket: SocketModeServer;
  private readonly responseUrls: ResponseUrls;
  private readonly actions: UserActions;
  private readonly interactions: Interactions;
  private readonly modalsOpen: Modals;
  private readonly workflowRuns: WorkflowRuns;

  // What people do that the app hears about as events (user-actions.ts).
  readonly userMessage: UserActions["userMessage"] = (...args) => this.actions.userMessage(...args);
  readonly editMessage: UserActions["editMessage"] = (...args) => this.actions.editMessage(...args);
  readonly deleteMessage: UserActions["deleteMessage"] = (...args) => this.actions.deleteMessage(...args);
  readonly joinChannel: UserActions["joinChannel"] = (...args) => this.actions.joinChannel(...args);
  readonly leaveChannel: UserActions["leaveChannel"] = (...args) => this.actions.leaveChannel(...args);
  readonly updateUser: UserActions["updateUser"] = (...args) => this.actions.updateUser(...args);
  readonly joinTeam: UserActions["joinTeam"] = (...args) => this.actions.joinTeam(...args);
  readonly react: UserActions["react"] = (...args) => this.actions.react(...args);
  readonly unreact: UserActions["unreact"] = (...args) => this.actions.unreact(...args);
  readonly openHome: UserActions["openHome"] = (...args) => this.actions.openHome(...args);
  // What people do with the app's commands, buttons and menus (interactions.ts).
  readonly slashCommand: Interactions["slashCommand"] = (...args) => this.interactions.slashCommand(...args);
  readonly blockAction: Interactions["blockAction"] = (...args) => this.interactions.blockAction(...args);
  readonly messageShortcut: Interactions["messageShortcut"] = (...args) =>
    this.interactions.messageShortcut(...args);
  readonly chooseInModal: Interactions["chooseInModal"] = (...args) =>
    this.interactions.chooseInModal(...args);
  readonly submitModal: Interactions["submitModal"] = (...args) => this.interactions.submitModal(...args);
  readonly blockSuggestion: Interactions["blockSuggestion"] = (...args) =>
    this.interactions.blockSuggestion(...args);
  readonly buildButtonClick: Interactions["buildButtonClick"] = (...args) =>
    this.interactions.buildButtonClick(...args);
  readonly buildEphemeralButtonClick: Interactions["buildEphemeralButtonClick"] = (...args) =>
    this.interactions.buildEphemeralButtonClick(...args);
  readonly buildExternalSelect: Interactions["buildExternalSelect"] = (...args) =>
    this.interactions.buildExternalSelect(...args);
  readonly buildBlockSuggestion: Interactions["buildBlockSuggestion"] = (...args) =>
    this.interactions.buildBlockSuggestion(...args);
  readonly buildOverflowChoice: Interactions["buildOverflowChoice"] = (...args) =>
    this.interactions.buildOverflowChoice(...args);

  private constructor(
    private readonly server: LocalServer,
    routing: SocketRouting,
    tokens: SimulatorTokens,
  ) {
    this.botToken = tokens.bot;
    this.appToken = tokens.app;
    this.apiUrl = `${server.origin}/api/`;
    this.workspace = new Workspace(
      {
        teamId: this.teamId,
        teamDomain: this.teamDomain,
        botUserId: this.botUserId,
        botId: this.botId,
        appId: this.appId,
        botName: "threadline",
      },
      server.origin,
    );
    this.workspace.addUser({ id: this.botUserId, name: "threadline", realName: "Threadline", isBot: true });
    this.socket = new SocketModeServer(server.server, server.origin, this.appId, routing);
    this.responseUrls = new ResponseUrls(this.workspace, server.origin, (channel, event) =>
      this.echo(channel, event),
    );
    this.modalsOpen = new Modals(this.workspace);
    this.workflowRuns = new WorkflowRuns(this.appId);
    this.webApi = new WebApi(
      { bot: this.botToken, app: this.appToken },
      {
        ws: this.workspace,
        origin: server.origin,
        grantedScopes: () => this.grantedScopes,
        openSocketUrl: () => this.socket.issueUrl(),
        echo: (channel, event) => this.echo(channel, event),
        maxPageSize: () => this.maxPageSize,
        workspaceUrl: () => this.workspaceUrl,
      },
      { ...this.modalsOpen.methods(), ...this.workflowRuns.methods() },
    );
    this.actions = new UserActions(this.workspace, (event, opts) => this.sendEvent(event, opts));
    this.interactions = new Interactions(this.workspace, this.socket, this.responseUrls, this.modalsOpen);
  }

  /** `routing: "random"` hands each envelope to a random open connection (several app instances). */
  /** `tokens`: the bot and app tokens it accepts; fixed test values unless given (the demo makes its own per run). */
  static async start(
    options: { port?: number; routing?: SocketRouting; tokens?: SimulatorTokens } = {},
  ): Promise<SlackSimulator> {
    let simulator: SlackSimulator;
    const server = await listen(async (req, url) => {
      const reply = await simulator.route(req, url);
      simulator.changes.notify();
      return reply;
    }, options.port);
    simulator = new SlackSimulator(server, options.routing ?? "newest", options.tokens ?? testTokens);
    return simulator;
  }

  async stop(): Promise<void> {
    await this.socket.close();
    await this.server.close();
  }

  addChannel(input: ChannelInput): SimulatedChannel {
    return this.workspace.addChannel(input);
  }

  addUser(input: UserInput): SimulatedUser {
    return this.workspace.addUser(input);
  }

  /** A file as if a user had uploaded it, to attach to `userMessage({ files })`. */
  addFile(input: {
    name: string;
    mimetype: string;
    bytes: Buffer;
    user?: string;
    title?: string;
  }): SlackFile {
    const file = this.workspace.createFile({ ...input, user: input.user ?? "", size: input.bytes.length });
    this.workspace.storeFileBytes(file.id, input.bytes);
    return file;
  }

  get channels(): ReadonlyMap<string, SimulatedChannel> {
    return this.workspace.channels;
  }

  get users(): ReadonlyMap<string, SimulatedUser> {
    return this.workspace.users;
  }

  /** Every message, deleted ones included (flagged), each with the `history` of its earlier versions. */
  get messages(): StoredMessage[] {
    return this.workspace.messages;
  }

  get ephemerals() {
    return this.workspace.ephemerals;
  }

  get reactions() {
    return this.workspace.reactions;
  }

  get uploads() {
    return this.workspace.uploads;
  }

  /** Posts the app made to a response_url. */
  get responses() {
    return this.workspace.responses;
  }

  get calls(): ApiCall[] {
    return this.webApi.calls;
  }

  get rateLimitedCount(): number {
    return this.webApi.rateLimitedCount;
  }

  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return this.workspace.replies(channel, threadTs);
  }

  topLevelMessages(channel: string): StoredMessage[] {
    return this.workspace.topLevel(channel);
  }

  failNext(method: string, spec: FailSpec = {}): void {
    this.webApi.failNext(method, spec);
  }

  /** Drops the faults `failNext` queued for `method` that have not answered yet. */
  clearFaults(method: string): void {
    this.webApi.clearFaults(method);
  }

  /** While down, every Web API call answers HTTP 503. */
  setDown(down: boolean): void {
    this.webApi.down = down;
  }

  rateLimit(method: string, spec: RateLimitSpec): void {
    this.webApi.rateLimit(method, spec);
  }

  /** Envelope frames sent to the app, redeliveries included. */
  get envelopes(): SocketEnvelope[] {
    return this.socket.envelopes;
  }

  get acks(): SocketAck[] {
    return this.socket.acks;
  }

  get connectionCount(): number {
    return this.socket.connectionCount;
  }

  get isConnected(): boolean {
    return this.socket.isConnected;
  }

  /** Envelopes delivered to the app and not yet acked: the app has not finished hearing what happened. */
  get envelopesAwaitingAck(): number {
    return this.socket.awaitingAck;
  }

  /** Open connections that may receive envelopes (one per running app instance). */
  get openConnections(): number {
    return this.socket.routableCount;
  }

  /** Waits until `n` connections have been made in total and one is open. */
  async waitForConnection(n = 1, { timeoutMs = 15_000 } = {}): Promise<void> {
    await waitFor(() => this.socket.connectionCount >= n && this.socket.isConnected, {
      timeoutMs,
      message: `Socket Mode connection #${n}`,
    });
  }

  disconnect(reason: DisconnectReason): Promise<void> {
    return this.socket.disconnect(reason);
  }

  dropConnection(): void {
    this.socket.dropConnection();
  }

  /** Sends an events_api envelope; resolves with its envelope id once the app acks it. */
  async sendEvent(
    event: Json,
    opts: { retryAttempt?: number; eventId?: string } & AckOptions = {},
  ): Promise<string> {
    if (typeof event.type !== "string")
      throw new Error("event.type is required: the client dispatches on it");
    const envelope = eventEnvelope(this.workspace.ids, event, opts);
    await this.socket.send(envelope, opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    return envelope.envelope_id;
  }

  /**
   * Workflow Builder runs the app's step `callbackId` (declared as `definition` in the manifest's `functions`):
   * sends `function_executed` and resolves with the run once the app acks; the run records how the app ended it.
   */
  async runWorkflowStep(callbackId: string, definition: StepDefinition, inputs: Json): Promise<StepRun> {
    const { run, event } = this.workflowRuns.start(callbackId, definition, inputs);
    await this.sendEvent(event);
    return run;
  }

  /** Every step run, in the order they started. */
  get stepRuns(): readonly StepRun[] {
    return this.workflowRuns.runs;
  }

  /** Each user's home tab as views.publish last set it. */
  /** The modals the app opened, by view id; `openModalOf(user)` is the one a person has in front of them. */
  get modals(): ReadonlyMap<string, OpenModal> {
    return this.modalsOpen.open;
  }

  openModalOf(user: string): OpenModal | undefined {
    return this.modalsOpen.openFor(user);
  }

  get homes(): ReadonlyMap<string, PublishedHome> {
    return this.workspace.homes;
  }

  private async route(req: IncomingMessage, url: URL): Promise<Reply> {
    const body = await readBody(req);
    const path = url.pathname;
    if (path.startsWith("/api/")) {
      const reply = await this.webApi.handle(req, path.slice("/api/".length), url, body);
      if (this.apiAnswerDelayMs > 0)
        await new Promise((resolve) => setTimeout(resolve, this.apiAnswerDelayMs));
      return reply;
    }
    if (req.method === "POST" && path.startsWith("/upload/v1/")) {
      return receiveUpload(this.workspace, path.slice("/upload/v1/".length), body);
    }
    if (req.method === "GET" && path.startsWith("/files-pri/"))
      return serveFile(this.workspace, req, path, this);
    const response = req.method === "POST" ? this.responseUrls.receive(url, body) : undefined;
    return response ?? text("not found", 404);
  }

  private echo(channel: SimulatedChannel, event: Json): void {
    if (!this.echoBotMessages || !this.workspace.isBotMember(channel)) return;
    // After the HTTP answer, as with Slack; an echo the app never acks is not the test's concern.
    setImmediate(() => {
      this.sendEvent(event).catch(() => {});
    });
  }
}
