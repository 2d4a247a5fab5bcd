import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Changes } from "./changes.js";
import { type LocalServer, listen, type Reply, type RequestBody, readBody, text } from "./http.js";
import { optionsResponseErrors, withBlockIds } from "./slack/blocks.js";
import {
  blockSuggestionPayload,
  buttonClickPayload,
  ephemeralButtonClickPayload,
  eventEnvelope,
  externalSelectPayload,
  interactiveEnvelope,
  type MessageInteraction,
  memberJoinedChannelEvent,
  memberLeftChannelEvent,
  messageChangedEvent,
  messageDeletedEvent,
  overflowChoicePayload,
  type SlashCommandInput,
  slashCommandPayload,
  teamJoinEvent,
  userChangeEvent,
} from "./slack/payloads.js";
import { ResponseUrls } from "./slack/response-urls.js";
import { SocketModeServer, type SocketRouting } from "./slack/socket-mode.js";
import { appHomeOpenedEvent, reactionEvent } from "./slack/triage-payloads.js";
import type {
  ApiCall,
  ChannelInput,
  DisconnectReason,
  Ephemeral,
  FailSpec,
  FakeChannel,
  FakeUser,
  Json,
  PublishedHome,
  RateLimitSpec,
  Reaction,
  SlackFile,
  SocketAck,
  SocketEnvelope,
  StoredMessage,
  UserInput,
} from "./slack/types.js";
import { WebApi } from "./slack/web-api.js";
import { Workspace } from "./slack/workspace.js";
import { waitFor } from "./wait.js";

export type * from "./slack/types.js";
export { waitFor } from "./wait.js";

const DEFAULT_SCOPES = [
  "chat:write",
  "chat:write.customize",
  "channels:history",
  "groups:history",
  "channels:read",
  "groups:read",
  "channels:join",
  "users:read",
  "files:read",
  "files:write",
  "reactions:read",
  "reactions:write",
  "commands",
];

export interface SimulatorTokens {
  readonly bot: `xoxb-${string}`;
  readonly app: `xapp-${string}`;
}

const testTokens: SimulatorTokens = { bot: "xoxb-test-token", app: "xapp-test-token" };

/** Slack gives up on an envelope that is not acked within 3 seconds. */
const ACK_TIMEOUT_MS = 3_000;

interface AckOptions {
  ackTimeoutMs?: number;
}

/**
 * A local Slack: the Web API over HTTP, Socket Mode over WebSocket, and a workspace whose state tests
 * can arrange and inspect. Point Bolt at `apiUrl` (clientOptions and installerOptions.clientOptions).
 */
/** What Slack leaves where a thread's parent was deleted (captured payloads: subtype, text, user). */
const tombstone = { subtype: "tombstone", text: "This message was deleted.", user: "USLACKBOT" } as const;

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
    );
  }

  /** `routing: "random"` hands each envelope to a random open connection (several app instances). */
  /** `tokens`: the bot and app tokens it accepts; fixed test values unless given (the demo makes its own per run). */
  static async start(
    options: { port?: number; routing?: SocketRouting; tokens?: SimulatorTokens } = {},
  ): Promise<SlackSimulator> {
    let fake: SlackSimulator;
    const server = await listen(async (req, url) => {
      const reply = await fake.route(req, url);
      fake.changes.notify();
      return reply;
    }, options.port);
    fake = new SlackSimulator(server, options.routing ?? "newest", options.tokens ?? testTokens);
    return fake;
  }

  async stop(): Promise<void> {
    await this.socket.close();
    await this.server.close();
  }

  addChannel(input: ChannelInput): FakeChannel {
    return this.workspace.addChannel(input);
  }

  addUser(input: UserInput): FakeUser {
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

  get channels(): ReadonlyMap<string, FakeChannel> {
    return this.workspace.channels;
  }

  get users(): ReadonlyMap<string, FakeUser> {
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
   * A user posts in a channel: the message is stored and, when the bot is a member, delivered as a
   * `message` event (envelopeId is null otherwise, as the app would not hear about it).
   */
  async userMessage(
    input: {
      channel: string;
      user: string;
      text: string;
      thread_ts?: string;
      files?: SlackFile[];
      subtype?: string;
    } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const channel = this.requireChannel(input.channel);
    let threadTs: string | undefined;
    if (input.thread_ts) {
      const parent = this.workspace.findMessage(channel.id, input.thread_ts);
      if (!parent) throw new Error(`no message ${input.thread_ts} in ${channel.id} to reply to`);
      threadTs = this.workspace.rootTs(parent);
    }
    // A file added without an owner belongs to whoever shares it, as in Slack.
    const files = input.files?.map((file) => (file.user ? file : Object.assign(file, { user: input.user })));
    const subtype = input.subtype ?? (files?.length ? "file_share" : undefined);
    const message = this.workspace.addMessage({
      channel: channel.id,
      ts: this.workspace.nextTs(),
      text: input.text,
      user: input.user,
      client_msg_id: randomUUID(),
      ...(input.text && { blocks: richText(input.text) }),
      ...(threadTs && { thread_ts: threadTs }),
      ...(files && { files }),
      ...(subtype && { subtype }),
    });
    const envelopeId = this.workspace.isBotMember(channel)
      ? await this.sendEvent(this.workspace.messageEvent(message), input)
      : null;
    return { ts: message.ts, envelopeId };
  }

  /** A user edits a message: stored, then a `message_changed` event. */
  async editMessage(
    input: { channel: string; ts: string; text: string; user?: string } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const { channel, message } = this.requireMessage(input.channel, input.ts);
    const editTs = this.workspace.nextTs();
    const editor = input.user ?? message.user ?? "";
    const previous = this.workspace.updateMessage(message, {
      text: input.text,
      blocks: richText(input.text),
      edited: { user: editor, ts: editTs },
    });
    const event = messageChangedEvent(this.workspace, channel, message, previous, editTs);
    return { ts: editTs, envelopeId: await this.deliverIfMember(channel, event, input) };
  }

  /**
   * A user (or an admin) deletes a message: flagged as deleted, then a `message_deleted` event. A thread's parent
   * with replies is not removed: Slack leaves a "This message was deleted." tombstone in its place, announced as a
   * `message_changed` whose `message.subtype` is `tombstone`, and the thread goes on.
   */
  async deleteMessage(
    input: { channel: string; ts: string } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const { channel, message } = this.requireMessage(input.channel, input.ts);
    const deleteTs = this.workspace.nextTs();
    const isParent = !message.thread_ts || message.thread_ts === message.ts;
    if (isParent && this.workspace.replies(channel.id, message.ts).length > 0) {
      const previous = this.workspace.updateMessage(message, { ...tombstone, thread_ts: message.ts });
      for (const key of [
        "blocks",
        "attachments",
        "metadata",
        "bot_id",
        "username",
        "icon_url",
        "files",
      ] as const)
        delete message[key];
      const event = messageChangedEvent(this.workspace, channel, message, previous, deleteTs);
      return { ts: deleteTs, envelopeId: await this.deliverIfMember(channel, event, input) };
    }
    message.deleted = true;
    const event = messageDeletedEvent(this.workspace, channel, message, deleteTs);
    return { ts: deleteTs, envelopeId: await this.deliverIfMember(channel, event, input) };
  }

  /**
   * Someone joins a channel (or is added): a member at once, then `member_joined_channel` if the bot is in
   * the channel, its own joining included. Resolves with the envelope id (null when the bot hears nothing).
   */
  async joinChannel(
    input: { channel: string; user: string; inviter?: string } & AckOptions,
  ): Promise<string | null> {
    const channel = this.requireChannel(input.channel);
    channel.members.add(input.user);
    const event = memberJoinedChannelEvent(this.workspace, channel, input.user, input.inviter);
    return this.deliverIfMember(channel, event, input);
  }

  /** Someone leaves a channel (or is removed): `member_left_channel` if the bot was in it, itself included. */
  async leaveChannel(input: { channel: string; user: string } & AckOptions): Promise<string | null> {
    const channel = this.requireChannel(input.channel);
    const heard = this.workspace.isBotMember(channel);
    channel.members.delete(input.user);
    const event = memberLeftChannelEvent(this.workspace, channel, input.user);
    return heard ? this.sendEvent(event, input) : null;
  }

  /**
   * A user's data changes (name, deactivation, bot flag): stored, then `user_change`, which Slack sends to
   * every app in the workspace with users:read. Resolves with the envelope id once the app acks it.
   */
  async updateUser(
    id: string,
    changes: Partial<Omit<FakeUser, "id">>,
    opts: AckOptions = {},
  ): Promise<string> {
    const user = this.workspace.users.get(id);
    if (!user) throw new Error(`no user ${id}; addUser() it first`);
    Object.assign(user, changes);
    return this.sendEvent(userChangeEvent(this.workspace, user), opts);
  }

  /** A new member joins the workspace: stored, then `team_join`. */
  async joinTeam(input: UserInput & AckOptions): Promise<string> {
    const user = this.workspace.addUser(input);
    return this.sendEvent(teamJoinEvent(this.workspace, user), input);
  }

  /** Runs a slash command; resolves with the app's ack payload. */
  async slashCommand(input: SlashCommandInput & AckOptions): Promise<Json> {
    const channel = this.requireChannel(input.channel_id);
    const responseUrl = this.responseUrls.create({
      kind: "command",
      channel: channel.id,
      user: input.user_id,
      ...(input.shownInThread && { threadTs: input.shownInThread }),
    });
    const payload = slashCommandPayload(this.workspace, channel, input, responseUrl);
    const envelope = {
      envelope_id: randomUUID(),
      type: "slash_commands" as const,
      accepts_response_payload: true,
      payload,
    };
    const ack = await this.socket.send(envelope, input.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    // An ack that carries a message answers the command; unless in_channel, only its author sees it.
    const answer = typeof ack.text === "string" ? ack.text : "";
    const blocks = Array.isArray(ack.blocks) ? withBlockIds(ack.blocks as Json[]) : undefined;
    if ((answer || blocks) && ack.response_type !== "in_channel") {
      this.workspace.ephemerals.push({
        channel: channel.id,
        user: input.user_id,
        ts: this.workspace.nextTs(),
        text: answer,
        via: "command_ack",
        ...(blocks && { blocks }),
        ...(input.shownInThread && { thread_ts: input.shownInThread }),
      });
    }
    return ack;
  }

  /** block_actions payload for the user an ephemeral message was shown to clicking one of its buttons. */
  buildEphemeralButtonClick(input: { ephemeral: Ephemeral; actionId: string; value?: string }): Json {
    const { ephemeral } = input;
    const responseUrl = this.responseUrls.create({
      kind: "action",
      channel: ephemeral.channel,
      user: ephemeral.user,
      ephemeralTs: ephemeral.ts,
      ...(ephemeral.thread_ts && { threadTs: ephemeral.thread_ts }),
    });
    return ephemeralButtonClickPayload(this.workspace, input, responseUrl);
  }

  blockAction(payload: Json, opts: AckOptions = {}): Promise<Json> {
    return this.socket.send(interactiveEnvelope(payload), opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
  }

  /** Resolves with the options the app acked; rejects if Slack would refuse them (over 100, too long...). */
  async blockSuggestion(payload: Json, opts: AckOptions = {}): Promise<Json> {
    const answer = await this.socket.send(interactiveEnvelope(payload), opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    const errors = optionsResponseErrors(answer);
    if (errors.length > 0) throw new Error(`Slack would reject this options response: ${errors.join("; ")}`);
    return answer;
  }

  /** block_actions payload for a user clicking the button `actionId` in a stored message. */
  buildButtonClick(input: MessageInteraction & { value?: string }): Json {
    return buttonClickPayload(this.workspace, input, this.actionResponseUrl(input));
  }

  /** block_actions payload for a user choosing an option of the external_select `actionId`. */
  buildExternalSelect(input: MessageInteraction & { value: string; text: string }): Json {
    return externalSelectPayload(this.workspace, input, this.actionResponseUrl(input));
  }

  /** block_suggestion payload for a user typing `value` into the external_select `actionId`. */
  buildBlockSuggestion(input: MessageInteraction & { value: string }): Json {
    return blockSuggestionPayload(this.workspace, input);
  }

  /** block_actions payload for a user choosing the option `value` of the overflow menu `actionId`. */
  buildOverflowChoice(input: MessageInteraction & { value: string }): Json {
    return overflowChoicePayload(this.workspace, input, this.actionResponseUrl(input));
  }

  /**
   * A user adds an emoji reaction to a message: stored, then `reaction_added` when the bot is in the channel.
   * Resolves with the envelope id once the app acks it (null when the app would hear nothing).
   */
  async react(
    input: { channel: string; ts: string; user: string; name: string } & AckOptions,
  ): Promise<string | null> {
    const { channel, message } = this.requireMessage(input.channel, input.ts);
    const reaction = { channel: channel.id, timestamp: message.ts, name: input.name, user: input.user };
    this.workspace.reactions.push(reaction);
    return this.deliverIfMember(
      channel,
      reactionEvent(this.workspace, "reaction_added", channel, reaction, message.user),
      input,
    );
  }

  /** A user removes their reaction: gone, then `reaction_removed` when the bot is in the channel. */
  async unreact(
    input: { channel: string; ts: string; user: string; name: string } & AckOptions,
  ): Promise<string | null> {
    const { channel, message } = this.requireMessage(input.channel, input.ts);
    const index = this.workspace.reactions.findIndex(
      (r) =>
        r.channel === channel.id &&
        r.timestamp === message.ts &&
        r.name === input.name &&
        r.user === input.user,
    );
    if (index === -1) throw new Error(`${input.user} has no :${input.name}: on ${message.ts}`);
    const [reaction] = this.workspace.reactions.splice(index, 1);
    return this.deliverIfMember(
      channel,
      reactionEvent(this.workspace, "reaction_removed", channel, reaction as Reaction, message.user),
      input,
    );
  }

  /** A user opens the app's Home tab (or its Messages tab); resolves once the app acks `app_home_opened`. */
  openHome(user: string, tab: "home" | "messages" = "home", opts: AckOptions = {}): Promise<string> {
    return this.sendEvent(appHomeOpenedEvent(this.workspace, user, tab), opts);
  }

  /** Each user's home tab as views.publish last set it. */
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
      return this.receiveUpload(path.slice("/upload/v1/".length), body);
    }
    if (req.method === "GET" && path.startsWith("/files-pri/")) return this.serveFile(req, path);
    const response = req.method === "POST" ? this.responseUrls.receive(url, body) : undefined;
    return response ?? text("not found", 404);
  }

  private echo(channel: FakeChannel, event: Json): void {
    if (!this.echoBotMessages || !this.workspace.isBotMember(channel)) return;
    // After the HTTP answer, as with Slack; an echo the app never acks is not the test's concern.
    setImmediate(() => {
      this.sendEvent(event).catch(() => {});
    });
  }

  private async deliverIfMember(channel: FakeChannel, event: Json, opts: AckOptions): Promise<string | null> {
    return this.workspace.isBotMember(channel) ? this.sendEvent(event, opts) : null;
  }

  private requireChannel(id: string): FakeChannel {
    const channel = this.workspace.channels.get(id);
    if (!channel) throw new Error(`no channel ${id}; addChannel() it first`);
    return channel;
  }

  private requireMessage(channelId: string, ts: string): { channel: FakeChannel; message: StoredMessage } {
    const channel = this.requireChannel(channelId);
    const message = this.workspace.findMessage(channel.id, ts);
    if (!message) throw new Error(`no message ${ts} in ${channelId}`);
    return { channel, message };
  }

  private actionResponseUrl(input: MessageInteraction): string {
    const message = this.workspace.findMessage(input.channel, input.messageTs);
    const threadTs =
      input.shownInThread ?? (message?.thread_ts !== message?.ts ? message?.thread_ts : undefined);
    return this.responseUrls.create({
      kind: "action",
      channel: input.channel,
      user: input.user,
      messageTs: input.messageTs,
      ...(threadTs && { threadTs }),
    });
  }

  private receiveUpload(fileId: string, body: RequestBody): Reply {
    if (!this.workspace.file(fileId)) return text("file not found", 404);
    // WebClient sends multipart with a part named "body"; Slack's curl examples send the raw bytes.
    const part = body.files.find((f) => f.field === "body") ?? body.files[0];
    const textPart = body.fields.find(([field]) => field === "body")?.[1];
    const bytes =
      part?.bytes ??
      (textPart !== undefined
        ? Buffer.from(textPart)
        : body.mediaType === "multipart/form-data"
          ? undefined
          : body.raw);
    if (!bytes) return text("no file in the upload", 400);
    this.workspace.storeFileBytes(fileId, bytes);
    return text(`OK - ${bytes.length}`);
  }

  private serveFile(req: IncomingMessage, path: string): Reply {
    const match = /^\/files-pri\/[^/]+-(F\w+)\//.exec(path);
    const stored = match?.[1] ? this.workspace.file(match[1]) : undefined;
    const authorized =
      req.headers.authorization === `Bearer ${this.botToken}` && this.grantedScopes.includes("files:read");
    if (!authorized) return text("forbidden", 403);
    if (!stored?.bytes) return text("file not found", 404);
    return { status: 200, body: stored.bytes, headers: { "content-type": stored.file.mimetype } };
  }
}

/** The rich_text block Slack's client attaches to what a user types. */
function richText(typed: string): Json[] {
  return [
    {
      type: "rich_text",
      block_id: randomBytes(3).toString("base64url"),
      elements: [{ type: "rich_text_section", elements: [{ type: "text", text: typed }] }],
    },
  ];
}
