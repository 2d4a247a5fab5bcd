import { blockErrors, MAX_VIEW_BLOCKS, withBlockIds } from "./blocks.js";
import { messageChangedEvent } from "./events.js";
import type { MethodAccess, MethodContext, MethodSpec } from "./method-access.js";
import {
  attachmentsArg,
  blocksArg,
  bool,
  defined,
  fail,
  jsonArg,
  MAX_TEXT,
  metadataArg,
  str,
} from "./method-args.js";
import { apiMessage, messageBase } from "./rendering.js";
import type { Json } from "./types.js";

/** The bot's messages, reactions and App Home: chat.*, reactions.add, views.publish. */
export function chatMethods(ctx: MethodContext, access: MethodAccess): Record<string, MethodSpec> {
  const { ws } = ctx;
  const bot = ws.ids;
  const {
    echoMessage,
    existingMessage,
    hasScope,
    postableChannel,
    requireScope,
    threadRoot,
    visibleChannel,
  } = access;
  return {
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
        return { channel: channel.id, ts: message.ts, message: apiMessage(ws, message) };
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
        return { channel: channel.id, ts: message.ts, text: message.text, message: messageBase(ws, message) };
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

    "views.open": {
      token: "bot",
      run: (args) => {
        const triggerId = str(args, "trigger_id");
        if (!triggerId) return fail("invalid_arguments");
        const view = jsonArg(args, "view", "invalid_arguments");
        if (typeof view !== "object" || view === null) return fail("invalid_arguments");
        const { type, blocks, title } = view as Json;
        if (type !== "modal" || !Array.isArray(blocks) || typeof title !== "object") {
          return fail("invalid_arguments");
        }
        const errors = blockErrors(blocks as Json[], MAX_VIEW_BLOCKS);
        if (errors.length > 0) {
          fail("invalid_arguments", { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
        }
        const id = `V${String(ws.modals.length + 1).padStart(10, "0")}`;
        const opened = { ...(view as Json), blocks: withBlockIds(blocks as Json[]) };
        ws.modals.push({ id, triggerId, view: opened });
        return { view: { id, team_id: bot.teamId, ...opened } };
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
  };
}
