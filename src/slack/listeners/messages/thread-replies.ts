import type { App } from "@slack/bolt";
import type { ListenerDependencies } from "../index.js";

/** Subtypes of a message a person typed; every other subtype (edits, deletions, joins…) is not a reply. */
const humanSubtypes = new Set([undefined, "file_share", "thread_broadcast"]);

interface ThreadMessage {
  subtype?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  files?: { name?: string; mimetype?: string; size?: number; url_private_download?: string }[];
}

export function register(app: App, { conversations, logger }: ListenerDependencies): void {
  app.event("message", async ({ event, client }) => {
    const message = event as unknown as ThreadMessage;
    // Only people's replies inside a thread can reach a customer: never bots (ours or others'), never
    // top-level channel chatter, never edits or deletions.
    if (!humanSubtypes.has(message.subtype) || message.bot_id || !message.user) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const outcome = await conversations.agentReplied({
      channelId: message.channel,
      threadTs: message.thread_ts,
      ts: message.ts,
      userId: message.user,
      text: message.text ?? "",
      files: (message.files ?? []).flatMap((file) =>
        file.url_private_download
          ? [{ url: file.url_private_download, name: file.name, contentType: file.mimetype, size: file.size }]
          : [],
      ),
    });
    logger.debug(
      { channel: message.channel, ts: message.ts, outcome: outcome.result },
      "thread message handled",
    );
    if (outcome.result !== "refused") return;
    // Only the agent who typed it is told; a failure to tell them must not make Slack redeliver the event.
    await client.chat
      .postEphemeral({
        channel: message.channel,
        user: message.user,
        thread_ts: message.thread_ts,
        text: outcome.reason,
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, channel: message.channel, ts: message.ts }, "could not tell the agent why"),
      );
  });
}
