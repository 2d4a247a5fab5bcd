import type { Args } from "./method-args.js";
import { fail } from "./method-args.js";
import { messageEvent } from "./rendering.js";
import type { Json, SimulatedChannel, StoredMessage } from "./types.js";
import type { Workspace } from "./workspace.js";

/* What every Web API method is given, and the checks several of them share. */

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
  /** Tokens it takes other than the bot's (a workflow step's run token). */
  accepts?(token: string): boolean;
  run(args: Args, token?: string): Json;
}

/** What several methods check the same way: scopes, which channels the bot can see or post in, threads. */
export interface MethodAccess {
  hasScope(scope: string): boolean;
  /** Answers missing_scope unless the app was granted `scope`. */
  requireScope(scope: string): void;
  /** A private channel the bot is not in does not exist as far as the bot can tell. */
  visibleChannel(id: string | undefined): SimulatedChannel;
  postableChannel(id: string | undefined): SimulatedChannel;
  readable(id: string | undefined, kind: "read" | "history"): SimulatedChannel;
  existingMessage(channel: SimulatedChannel, ts: string | undefined): StoredMessage;
  /** The root of the thread `threadTs` is in; thread_not_found when its parent was deleted without replies. */
  threadRoot(channel: SimulatedChannel, threadTs: string | undefined): string | undefined;
  echoMessage(channel: SimulatedChannel, message: StoredMessage): void;
}

export function methodAccess(ctx: MethodContext): MethodAccess {
  const { ws } = ctx;

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
    ctx.echo(channel, messageEvent(ws, message));
  return {
    hasScope,
    requireScope,
    visibleChannel,
    postableChannel,
    readable,
    existingMessage,
    threadRoot,
    echoMessage,
  };
}
