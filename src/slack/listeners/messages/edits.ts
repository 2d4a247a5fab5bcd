import type { SlackMessageChange } from "../../../core/edits.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

interface ChangedMessage {
  subtype?: string;
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
}

interface ChangeEvent {
  subtype?: string;
  channel: string;
  deleted_ts?: string;
  message?: ChangedMessage;
  previous_message?: ChangedMessage;
}

/**
 * What an edit or deletion event means for us, and who wrote the message. Slack announces a deleted thread
 * parent that has replies as a `message_changed` to a "tombstone", not as `message_deleted`.
 */
function changeOf(
  event: ChangeEvent,
): { change: SlackMessageChange; author?: string; threadTs?: string } | null {
  const { message, previous_message: previous } = event;
  if (event.subtype === "message_deleted" && event.deleted_ts) {
    return {
      change: { channelId: event.channel, ts: event.deleted_ts, change: "deleted" },
      ...(previous?.user ? { author: previous.user } : {}),
      ...(previous?.thread_ts ? { threadTs: previous.thread_ts } : {}),
    };
  }
  if (event.subtype !== "message_changed" || !message?.ts) return null;
  if (message.subtype === "tombstone") {
    return { change: { channelId: event.channel, ts: message.ts, change: "deleted" } };
  }
  // Slack also sends message_changed when only an unfurl, a reply count or our own update changed.
  if (message.bot_id || !message.user || message.text === previous?.text) return null;
  return {
    change: { channelId: event.channel, ts: message.ts, change: "edited" },
    author: message.user,
    ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
  };
}

/** Edits and deletions are honest: the agent learns the customer keeps what was sent (see core/edits.ts). */
export function register(app: SlackListeners, { conversations, logger }: ListenerDependencies): void {
  app.event("message", async ({ event, client }) => {
    const found = changeOf(event as unknown as ChangeEvent);
    if (!found) return;
    const notice = await conversations.slackMessageChanged(found.change);
    if (!notice || !found.author) return;
    // A failure to tell them must not make Slack redeliver the event.
    await client.chat
      .postEphemeral({
        channel: found.change.channelId,
        user: found.author,
        ...(found.threadTs ? { thread_ts: found.threadTs } : {}),
        text: notice,
      })
      .catch((error: unknown) =>
        logger.warn(
          { err: error, channel: found.change.channelId, ts: found.change.ts },
          "could not tell the agent",
        ),
      );
  });
}
