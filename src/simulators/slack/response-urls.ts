import { randomBytes } from "node:crypto";
import { json, type Reply, type RequestBody } from "../http.js";
import { blockErrors, withBlockIds } from "./blocks.js";
import { messageEvent } from "./rendering.js";
import type { Json, SimulatedChannel } from "./types.js";
import type { Workspace } from "./workspace.js";

export interface ResponseTarget {
  kind: "command" | "action";
  channel: string;
  user: string;
  /** The message an action came from; replace_original and delete_original act on it. */
  messageTs?: string;
  /** Set when that message is an ephemeral one (Slack keeps no copy; the simulator's record is changed). */
  ephemeralTs?: string;
  /** The thread the person acted in, where Slack's client shows ephemeral answers that name no thread. */
  threadTs?: string;
}

function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/**
 * response_url endpoints on the simulator. Bolt's respond() POSTs them directly (not through slackApiUrl),
 * so payloads must carry a local URL; posts are recorded and rendered the way Slack would.
 */
export class ResponseUrls {
  private readonly targets = new Map<string, ResponseTarget>();

  constructor(
    private readonly ws: Workspace,
    private readonly origin: string,
    private readonly echo: (channel: SimulatedChannel, event: Json) => void,
  ) {}

  create(target: ResponseTarget): string {
    const { ids } = this.ws;
    const prefix = target.kind === "command" ? `commands/${ids.teamId}` : `actions/${ids.appId}`;
    const path = `/${prefix}/${Date.now()}/${randomBytes(12).toString("base64url")}`;
    this.targets.set(path, target);
    return this.origin + path;
  }

  /** Undefined when `url` is not a response_url this simulator handed out. */
  receive(url: URL, body: RequestBody): Reply | undefined {
    const target = this.targets.get(url.pathname);
    if (!target) return undefined;
    const payload = typeof body.json === "object" && body.json !== null ? (body.json as Json) : {};
    const blocks = Array.isArray(payload.blocks) ? (payload.blocks as Json[]) : undefined;
    const errors = blocks ? blockErrors(blocks) : [];
    if (errors.length > 0) return json({ ok: false, error: "invalid_blocks", errors }, 400);
    const { ws } = this;
    ws.responses.push({ url: url.href, ...target, body: payload, at: new Date() });
    const text = typeof payload.text === "string" ? payload.text : "";
    const threadTs = typeof payload.thread_ts === "string" ? payload.thread_ts : undefined;
    const ephemeralIndex = target.ephemeralTs
      ? ws.ephemerals.findIndex((e) => e.channel === target.channel && e.ts === target.ephemeralTs)
      : -1;
    const ephemeral = ws.ephemerals[ephemeralIndex];
    const original = target.messageTs ? ws.findMessage(target.channel, target.messageTs) : undefined;
    if (ephemeral && isTrue(payload.delete_original)) {
      ws.ephemerals.splice(ephemeralIndex, 1);
    } else if (ephemeral && isTrue(payload.replace_original)) {
      ephemeral.text = text;
      if (blocks) ephemeral.blocks = withBlockIds(blocks);
      else delete ephemeral.blocks;
    } else if (original && isTrue(payload.delete_original)) {
      original.deleted = true;
    } else if (original && isTrue(payload.replace_original)) {
      ws.updateMessage(original, { text, ...(blocks && { blocks: withBlockIds(blocks) }) });
      if (!blocks) delete original.blocks;
    } else if (payload.response_type === "in_channel") {
      const message = ws.addMessage({
        channel: target.channel,
        ts: ws.nextTs(),
        text,
        user: ws.ids.botUserId,
        bot_id: ws.ids.botId,
        ...(blocks && { blocks: withBlockIds(blocks) }),
        ...(threadTs && { thread_ts: threadTs }),
      });
      const channel = ws.channels.get(target.channel);
      if (channel) this.echo(channel, messageEvent(ws, message));
    } else {
      const shownIn = threadTs ?? target.threadTs;
      ws.ephemerals.push({
        channel: target.channel,
        user: target.user,
        ts: ws.nextTs(),
        text,
        via: "response_url",
        ...(blocks && { blocks }),
        ...(shownIn && { thread_ts: shownIn }),
      });
    }
    return json({ ok: true });
  }
}
