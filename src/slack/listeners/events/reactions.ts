import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

interface ReactionEvent {
  user?: unknown;
  reaction?: unknown;
  item?: { type?: unknown; channel?: unknown; ts?: unknown };
}

/**
 * 👀 on a conversation's parent assigns it to whoever reacted, ✅ closes it (reaction_removed is not subscribed:
 * removing ✅ does not reopen). A refusal is told to the person who reacted, just to them.
 */
export function register(app: SlackListeners, { triage, logger }: ListenerDependencies): void {
  app.event("reaction_added", async ({ event, client }) => {
    const { user, reaction, item } = event as ReactionEvent;
    if (item?.type !== "message") return;
    if (typeof user !== "string" || typeof reaction !== "string" || typeof item.channel !== "string") {
      logger.warn({ event: event.type }, "reaction_added without a user, reaction or channel; ignored");
      return;
    }
    if (typeof item.ts !== "string") {
      logger.warn({ event: event.type, user }, "reaction_added without the message's ts; ignored");
      return;
    }
    const channelId = item.channel;
    const outcome = await triage.reacted({ userId: user, name: reaction, channelId, ts: item.ts });
    if (outcome.result === "ignored") {
      logger.debug({ user, reaction, why: outcome.why }, "reaction ignored");
      return;
    }
    if (outcome.result !== "refused") return;
    logger.warn(
      { user, reaction, slackChannel: channelId, reason: outcome.reason },
      "triage reaction refused",
    );
    await client.chat
      .postEphemeral({ channel: channelId, user, thread_ts: item.ts, text: outcome.reason })
      .catch((error: unknown) =>
        logger.warn({ err: error, user }, "could not tell the person why their reaction changed nothing"),
      );
  });
}
