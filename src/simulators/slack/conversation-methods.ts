import type { MethodAccess, MethodContext, MethodSpec } from "./method-access.js";
import { blocksArg, bool, defined, fail, jsonArg, page, str } from "./method-args.js";
import { apiMessage, channelJson, userJson } from "./rendering.js";
import type { SimulatedChannel, SlackFile, StoredMessage } from "./types.js";
import { compareTs } from "./workspace.js";

/** What the bot reads and uploads: conversations.*, users.*, files.*. */
export function conversationMethods(ctx: MethodContext, access: MethodAccess): Record<string, MethodSpec> {
  const { ws } = ctx;
  const bot = ws.ids;
  const { echoMessage, postableChannel, readable, requireScope, threadRoot, visibleChannel } = access;
  return {
    "conversations.info": {
      token: "bot",
      run: (args) => ({ channel: channelJson(ws, readable(str(args, "channel"), "read")) }),
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
          channel: channelJson(ws, channel),
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
          messages: items.map((m) => apiMessage(ws, m, includeMetadata)),
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
        return { user: userJson(ws, user ?? fail("user_not_found")) };
      },
    },

    "users.list": {
      token: "bot",
      run: (args) => {
        requireScope("users:read");
        const { items, nextCursor } = page([...ws.users.values()], args, 200, ctx.maxPageSize());
        return {
          members: items.map((user) => userJson(ws, user)),
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
          .map((message) => apiMessage(ws, message, withMetadata));
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
