import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/** Subtypes of a message a person typed; every other subtype (edits, deletions, joins…) is not a reply. */
const humanSubtypes = new Set([undefined, "file_share", "thread_broadcast"]);

interface ThreadMessage {
  subtype?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  parent_user_id?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  files?: { name?: string; mimetype?: string; size?: number; url_private_download?: string }[];
}

/**
 * A reply in a thread on our own parent can arrive before the parent's thread is recorded (Slack announces the
 * reply while the queue is still writing down the parent's ts): look again a few times before ignoring it.
 */
const ownThreadRetries = [50, 100, 200, 400, 800];

export function register(
  app: SlackListeners,
  { conversations, cutOffParents, logger }: ListenerDependencies,
): void {
  app.event("message", async ({ event, context, client }) => {
    const message = event as unknown as ThreadMessage;
    // Only people's replies inside a thread can reach a customer: never bots (ours or others'), never
    // top-level channel chatter, never edits or deletions.
    if (!humanSubtypes.has(message.subtype) || message.bot_id || !message.user) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const reply = {
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
    };
    let outcome = await conversations.agentReplied(reply);
    const ownThread = context.botUserId !== undefined && message.parent_user_id === context.botUserId;
    for (const delayMs of ownThread ? ownThreadRetries : []) {
      if (outcome.result !== "not_a_conversation") break;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      outcome = await conversations.agentReplied(reply);
    }
    // Still nothing: the parent may be ours with its recording cut off by a dying instance; it names its conversation.
    if (
      ownThread &&
      outcome.result === "not_a_conversation" &&
      (await cutOffParents.adopt(message.channel, message.thread_ts))
    ) {
      outcome = await conversations.agentReplied(reply);
    }
    logger.debug(
      { channel: message.channel, ts: message.ts, outcome: outcome.result },
      "thread message handled",
    );
    // A reply under one of our own posts that matches no conversation is never dropped in silence: the post may
    // be a notice, or a parent whose recording was cut off (the instance that posted it died before it heard back).
    const unmatched = ownThread && outcome.result === "not_a_conversation";
    if (unmatched) {
      logger.warn(
        { channel: message.channel, ts: message.ts },
        "reply under our own post matches no conversation",
      );
    }
    if (outcome.result !== "refused" && outcome.result !== "tagged" && !unmatched) return;
    const text =
      outcome.result === "refused"
        ? outcome.reason
        : outcome.result === "tagged"
          ? outcome.confirmation
          : "Not sent to a customer: this thread isn't a conversation Threadline knows (yet). If it is one, its start may still be being recorded: send your reply again in a minute.";
    // Only the agent who typed it is told; a failure to tell them must not make Slack redeliver the event.
    await client.chat
      .postEphemeral({
        channel: message.channel,
        user: message.user,
        thread_ts: message.thread_ts,
        text,
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, channel: message.channel, ts: message.ts }, "could not tell the agent why"),
      );
  });
}
