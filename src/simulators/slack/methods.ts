import { blockErrors, MAX_VIEW_BLOCKS, withBlockIds } from "./blocks.js";
import { messageChangedEvent } from "./events.js";
import type { Json, MessageMetadata, SimulatedChannel, SlackFile, StoredMessage } from "./types.js";
import { compareTs, type Workspace } from "./workspace.js";

export type Args = Record<string, unknown>;

/** Thrown by a method to answer HTTP 200 `{ok:false,error}`, as Slack does for every API error. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Json = {},
  ) {
    super(code);
  }
}

function fail(code: string, extra?: Json): never {
  throw new SlackApiError(code, extra);
}

export interface MethodContext {
  ws: Workspace;
  origin: string;
  grantedScopes(): string[];
  /** The Socket Mode URL handed out by apps.connections.open. */
  openSocketUrl(): string;
  /** Delivers the event Slack dispatches for a change the bot made, if the bot is in `channel`. */
  echo(channel: SimulatedChannel, event: Json): void;
  /** The most items a page of users.list or conversations.members holds, whatever the `limit`. */
  maxPageSize(): number;
  /** Where permalinks point: the workspace's address, without a trailing slash. */
  workspaceUrl(): string;
}

export interface MethodSpec {
  token: "bot" | "app";
  run(args: Args): Json;
}

const MAX_TEXT = 40_000;

function str(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function bool(args: Args, key: string): boolean {
  const value = args[key];
  return value === true || value === "true" || value === "1" || value === 1;
}

/** Form bodies carry objects as JSON strings; JSON bodies carry them as they are. */
function jsonArg(args: Args, key: string, error: string): unknown {
  const value = args[key];
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return fail(error);
  }
}

function blocksArg(args: Args): Json[] | undefined {
  const blocks = jsonArg(args, "blocks", "invalid_blocks_format");
  if (blocks === undefined || blocks === null) return undefined;
  if (!Array.isArray(blocks)) return fail("invalid_blocks_format");
  const errors = blockErrors(blocks);
  if (errors.length > 0) {
    fail("invalid_blocks", { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
  }
  return withBlockIds(blocks);
}

function attachmentsArg(args: Args): Json[] | undefined {
  const attachments = jsonArg(args, "attachments", "invalid_attachments");
  if (attachments === undefined || attachments === null) return undefined;
  if (!Array.isArray(attachments)) return fail("invalid_attachments");
  if (attachments.length > 100) fail("too_many_attachments");
  return attachments;
}

function metadataArg(args: Args): MessageMetadata | undefined {
  const metadata = jsonArg(args, "metadata", "invalid_metadata_format");
  if (metadata === undefined || metadata === null) return undefined;
  const candidate = metadata as Partial<MessageMetadata>;
  if (typeof candidate.event_type !== "string" || typeof candidate.event_payload !== "object") {
    return fail("invalid_metadata_format");
  }
  return candidate as MessageMetadata;
}

/** Defined values only, so stored messages compare cleanly with toEqual/toMatchObject. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64");
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) return fail("invalid_cursor");
  return Number(match[1]);
}

/** Slack's largest page is 1,000 items, and it may return fewer than asked: `maxPageSize` lowers the cap. */
function page<T>(
  items: T[],
  args: Args,
  defaultLimit: number,
  maxPageSize = 1000,
): { items: T[]; nextCursor: string } {
  const asked = Number(str(args, "limit") ?? defaultLimit) || defaultLimit;
  const limit = Math.min(Math.max(asked, 1), 1000, maxPageSize);
  const offset = decodeCursor(str(args, "cursor"));
  const end = offset + limit;
  return { items: items.slice(offset, end), nextCursor: end < items.length ? encodeCursor(end) : "" };
}

export function createMethods(ctx: MethodContext): Record<string, MethodSpec> {
  const { ws } = ctx;
  const bot = ws.ids;

  const hasScope = (scope: string) => ctx.grantedScopes().includes(scope);
  const requireScope = (scope: string) => {
    if (!hasScope(scope)) fail("missing_scope", { needed: scope, provided: ctx.grantedScopes().join(",") });
  };

  /** A private channel the bot is not in does not exist as far as the bot can tell. */
  const visibleChannel = (id: string | undefined): SimulatedChannel => {
    const channel = id ? ws.channels.get(id) : undefined;
    if (!channel || (channel.isPrivate && !ws.isBotMember(channel))) return fail("channel_not_found");
    return channel;
  };

  const postableChannel = (id: string | undefined): SimulatedChannel => {
    const channel = visibleChannel(id);
    if (channel.archived) fail("is_archived");
    if (!ws.isBotMember(channel) && !(hasScope("chat:write.public") && !channel.isPrivate))
      fail("not_in_channel");
    return channel;
  };

  const readable = (id: string | undefined, kind: "read" | "history"): SimulatedChannel => {
    const channel = visibleChannel(id);
    requireScope(`${channel.isPrivate ? "groups" : "channels"}:${kind}`);
    return channel;
  };

  const existingMessage = (channel: SimulatedChannel, ts: string | undefined): StoredMessage => {
    const message = ts ? ws.findMessage(channel.id, ts) : undefined;
    return message ?? fail("message_not_found");
  };

  const threadRoot = (channel: SimulatedChannel, threadTs: string | undefined): string | undefined => {
    if (!threadTs) return undefined;
    const target = ws.findMessage(channel.id, threadTs);
    if (target) return ws.rootTs(target);
    // A parent deleted without replies takes its thread with it; Slack refuses replies to it.
    if (ws.wasDeleted(channel.id, threadTs)) fail("thread_not_found");
    return threadTs;
  };

  const echoMessage = (channel: SimulatedChannel, message: StoredMessage) =>
    ctx.echo(channel, ws.messageEvent(message));

  return {
    "auth.test": {
      token: "bot",
      run: () => ({
        url: `${ctx.workspaceUrl()}/`,
        team: "Threadline Test",
        user: bot.botName,
        team_id: bot.teamId,
        user_id: bot.botUserId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      }),
    },

    "apps.connections.open": { token: "app", run: () => ({ url: ctx.openSocketUrl() }) },

    "chat.postMessage": {
      token: "bot",
      run: (args) => {
        requireScope("chat:write");
        const channel = postableChannel(str(args, "channel"));
        const blocks = blocksArg(args);
        const attachments = attachmentsArg(args);
        const text = str(args, "text") ?? "";
        if (!text && !blocks?.length && !attachments?.length) fail("no_text");
        const threadTs = threadRoot(channel, str(args, "thread_ts"));
        const broadcast = threadTs !== undefined && bool(args, "reply_broadcast");
        // Without chat:write.customize Slack ignores the overrides rather than failing the post.
        const customize = hasScope("chat:write.customize");
        const message = ws.addMessage(
          defined({
            channel: channel.id,
            ts: ws.nextTs(),
            thread_ts: threadTs,
            text: text.slice(0, MAX_TEXT),
            blocks,
            attachments,
            user: bot.botUserId,
            bot_id: bot.botId,
            username: customize ? str(args, "username") : undefined,
            icon_url: customize ? str(args, "icon_url") : undefined,
            icon_emoji: customize ? str(args, "icon_emoji") : undefined,
            reply_broadcast: broadcast || undefined,
            subtype: broadcast ? "thread_broadcast" : undefined,
            metadata: metadataArg(args),
          }),
        );
        echoMessage(channel, message);
        return { channel: channel.id, ts: message.ts, message: ws.apiMessage(message) };
      },
    },

    "chat.update": {
      token: "bot",
      run: (args) => {
        requireScope("chat:write");
        const channel = visibleChannel(str(args, "channel"));
        const message = existingMessage(channel, str(args, "ts"));
        if (message.bot_id !== bot.botId) fail("cant_update_message");
        if (channel.archived) fail("is_archived");
        const text = str(args, "text");
        if (text !== undefined && text.length > MAX_TEXT) fail("msg_too_long");
        const editTs = ws.nextTs();
        // Per the docs, omitted blocks are retained and an empty array removes them.
        const blocks = args.blocks === undefined ? message.blocks : blocksArg(args);
        const previous = ws.updateMessage(
          message,
          defined({
            text: text ?? message.text,
            blocks: blocks?.length ? blocks : undefined,
            attachments: args.attachments === undefined ? message.attachments : attachmentsArg(args),
            metadata: args.metadata === undefined ? message.metadata : metadataArg(args),
            edited: { user: bot.botUserId, ts: editTs },
          }),
        );
        if (!blocks?.length) delete message.blocks;
        ctx.echo(channel, messageChangedEvent(ws, channel, message, previous, editTs));
        return { channel: channel.id, ts: message.ts, text: message.text, message: ws.messageBase(message) };
      },
    },

    "chat.postEphemeral": {
      token: "bot",
      run: (args) => {
        requireScope("chat:write");
        const channel = postableChannel(str(args, "channel"));
        const user = str(args, "user");
        if (!user || !channel.members.has(user)) fail("user_not_in_channel");
        const blocks = blocksArg(args);
        const text = str(args, "text") ?? "";
        if (!text && !blocks?.length) fail("no_text");
        const ts = ws.nextTs();
        ws.ephemerals.push(
          defined({
            channel: channel.id,
            user,
            ts,
            text,
            blocks,
            thread_ts: str(args, "thread_ts"),
            via: "chat.postEphemeral" as const,
          }),
        );
        return { message_ts: ts };
      },
    },

    "chat.getPermalink": {
      token: "bot",
      run: (args) => {
        const channel = visibleChannel(str(args, "channel"));
        const message = existingMessage(channel, str(args, "message_ts"));
        const base = `${ctx.workspaceUrl()}/archives/${channel.id}/p${message.ts.replace(".", "")}`;
        const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
        const permalink = isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel.id}` : base;
        return { channel: channel.id, permalink };
      },
    },

    "reactions.add": {
      token: "bot",
      run: (args) => {
        requireScope("reactions:write");
        const channel = visibleChannel(str(args, "channel"));
        const message = existingMessage(channel, str(args, "timestamp"));
        const name = str(args, "name");
        if (!name || !/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) fail("invalid_name");
        const already = ws.reactions.some(
          (r) =>
            r.channel === channel.id &&
            r.timestamp === message.ts &&
            r.name === name &&
            r.user === bot.botUserId,
        );
        if (already) fail("already_reacted");
        ws.reactions.push({ channel: channel.id, timestamp: message.ts, name, user: bot.botUserId });
        return {};
      },
    },

    "views.publish": {
      token: "bot",
      run: (args) => {
        const userId = str(args, "user_id");
        if (!userId) return fail("invalid_arguments");
        if (!ws.users.has(userId)) return fail("user_not_found");
        const view = jsonArg(args, "view", "invalid_arguments");
        if (typeof view !== "object" || view === null) return fail("invalid_arguments");
        const { type, blocks } = view as Json;
        if (type !== "home") return fail("invalid_arguments");
        if (!Array.isArray(blocks)) return fail("invalid_arguments");
        const errors = blockErrors(blocks as Json[], MAX_VIEW_BLOCKS);
        if (errors.length > 0) {
          fail("invalid_arguments", { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
        }
        const published = { ...(view as Json), blocks: withBlockIds(blocks as Json[]) };
        const version = (ws.homes.get(userId)?.version ?? 0) + 1;
        ws.homes.set(userId, { user: userId, view: published, version });
        return {
          view: { id: `V${String(version).padStart(10, "0")}`, team_id: bot.teamId, ...published },
        };
      },
    },

    "conversations.info": {
      token: "bot",
      run: (args) => ({ channel: ws.channelJson(readable(str(args, "channel"), "read")) }),
    },

    "conversations.members": {
      token: "bot",
      run: (args) => {
        const channel = readable(str(args, "channel"), "read");
        const { items, nextCursor } = page([...channel.members], args, 100, ctx.maxPageSize());
        return { members: items, response_metadata: { next_cursor: nextCursor } };
      },
    },

    "conversations.join": {
      token: "bot",
      run: (args) => {
        requireScope("channels:join");
        const channel = visibleChannel(str(args, "channel"));
        if (channel.isPrivate) fail("method_not_supported_for_channel_type");
        if (channel.archived) fail("is_archived");
        const already = ws.isBotMember(channel);
        channel.members.add(bot.botUserId);
        return {
          channel: ws.channelJson(channel),
          ...(already && {
            warning: "already_in_channel",
            response_metadata: { warnings: ["already_in_channel"] },
          }),
        };
      },
    },

    "conversations.replies": {
      token: "bot",
      run: (args) => {
        const channel = readable(str(args, "channel"), "history");
        if (!ws.isBotMember(channel)) fail("not_in_channel");
        const ts = str(args, "ts");
        const target = ts ? ws.findMessage(channel.id, ts) : undefined;
        if (!target) return fail("thread_not_found");
        const rootTs = ws.rootTs(target);
        const root = ws.findMessage(channel.id, rootTs);
        const thread = [...(root ? [root] : []), ...ws.replies(channel.id, rootTs)];
        const { items, nextCursor } = page(thread, args, 1000);
        const includeMetadata = bool(args, "include_all_metadata");
        return {
          messages: items.map((m) => ws.apiMessage(m, includeMetadata)),
          has_more: nextCursor !== "",
          response_metadata: { next_cursor: nextCursor },
        };
      },
    },

    "users.info": {
      token: "bot",
      run: (args) => {
        requireScope("users:read");
        const id = str(args, "user");
        const user = id ? ws.users.get(id) : undefined;
        return { user: ws.userJson(user ?? fail("user_not_found")) };
      },
    },

    "users.list": {
      token: "bot",
      run: (args) => {
        requireScope("users:read");
        const { items, nextCursor } = page([...ws.users.values()], args, 200, ctx.maxPageSize());
        return {
          members: items.map((user) => ws.userJson(user)),
          cache_ts: Math.floor(Date.now() / 1000),
          response_metadata: { next_cursor: nextCursor },
        };
      },
    },

    "conversations.history": {
      token: "bot",
      run: (args) => {
        const channel = readable(str(args, "channel"), "read");
        const oldest = str(args, "oldest") ?? "0";
        const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
        const messages = ws
          .topLevel(channel.id)
          .filter((message) => compareTs(message.ts, oldest) > 0)
          .reverse()
          .map((message) => ws.apiMessage(message, withMetadata));
        return { messages, has_more: false, response_metadata: { next_cursor: "" } };
      },
    },

    "files.getUploadURLExternal": {
      token: "bot",
      run: (args) => {
        requireScope("files:write");
        const filename = str(args, "filename");
        const length = Number(str(args, "length"));
        if (!filename || !Number.isInteger(length) || length <= 0) fail("invalid_arguments");
        const file = ws.createFile({ name: filename, user: bot.botUserId, size: length });
        return { upload_url: `${ctx.origin}/upload/v1/${file.id}`, file_id: file.id };
      },
    },

    "files.completeUploadExternal": {
      token: "bot",
      run: (args) => {
        requireScope("files:write");
        const requested = jsonArg(args, "files", "invalid_arguments");
        if (!Array.isArray(requested) || requested.length === 0) return fail("invalid_arguments");
        const files: SlackFile[] = requested.map((entry: { id?: unknown; title?: unknown }) => {
          const stored = typeof entry.id === "string" ? ws.file(entry.id) : undefined;
          if (!stored?.bytes) return fail("file_not_found");
          if (typeof entry.title === "string" && entry.title) stored.file.title = entry.title;
          return stored.file;
        });
        const channelId = str(args, "channel_id") ?? str(args, "channels")?.split(",")[0];
        const initialComment = str(args, "initial_comment");
        let message: StoredMessage | undefined;
        let channel: SimulatedChannel | undefined;
        if (channelId) {
          channel = postableChannel(channelId);
          message = ws.addMessage(
            defined({
              channel: channel.id,
              ts: ws.nextTs(),
              thread_ts: threadRoot(channel, str(args, "thread_ts")),
              text: initialComment ?? "",
              blocks: blocksArg(args),
              files,
              subtype: "file_share",
              user: bot.botUserId,
              bot_id: bot.botId,
            }),
          );
          for (const file of files) {
            const share = defined({
              ts: message.ts,
              thread_ts: message.thread_ts,
              channel_name: channel.name,
            });
            file.shares = { [channel.isPrivate ? "private" : "public"]: { [channel.id]: [share] } };
          }
        }
        for (const file of files) {
          ws.uploads.push(
            defined({
              fileId: file.id,
              filename: file.name,
              title: file.title,
              bytes: ws.file(file.id)?.bytes ?? Buffer.alloc(0),
              channel: channel?.id,
              thread_ts: message?.thread_ts,
              initial_comment: initialComment,
              messageTs: message?.ts,
            }),
          );
        }
        if (channel && message) echoMessage(channel, message);
        return { files: files.map((f) => ({ id: f.id, title: f.title })) };
      },
    },
  };
}
