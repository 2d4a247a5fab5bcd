// How the gateway talks to Slack: paced posts, classified failures, a channel's 429 pause, our bot's id.
import type { WebClient } from "@slack/web-api";
import { DeliveryError } from "../core/errors.js";
import type { EarlierPost } from "../core/ports/slack.js";
import { classifySlackError } from "./errors.js";
import type { ChannelPacer } from "./pacer.js";

/**
 * Calls to Slack on behalf of one channel. The client is configured not to retry (the delivery queue does,
 * durably), so every failure surfaces here at once and is classified.
 */
export class SlackRequests {
  private readonly channelPausedUntil = new Map<string, number>();
  private ownBotId: Promise<string> | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly pacer: ChannelPacer,
    private readonly now: () => number,
  ) {}

  /** Waits for a slot of the channel's pace, then posts with `send` unless `earlier` finds the post already made. */
  async post(
    channelId: string,
    send: () => Promise<{ ts?: string }>,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }> {
    await this.pacer.awaitSlot(channelId);
    const found = await earlier?.();
    if (found) return found;
    const result = await this.call(channelId, send);
    if (!result.ts)
      throw new DeliveryError("SLACK_NO_TS", "Slack did not return the message's ts", { transient: true });
    return { ts: result.ts };
  }

  /** An edit takes a slot of the channel's pace like a post, so a campaign's edits never crowd out its threads. */
  async pacedCall<T>(channelId: string, request: () => Promise<T>): Promise<T> {
    await this.pacer.awaitSlot(channelId);
    return this.call(channelId, request);
  }

  async call<T>(channelId: string, request: () => Promise<T>): Promise<T> {
    const pausedUntil = this.channelPausedUntil.get(channelId) ?? 0;
    const wait = pausedUntil - this.now();
    if (wait > 0) {
      throw new DeliveryError("PACED", "waiting out Slack's rate limit", {
        transient: true,
        category: "paced",
        retryAfterMs: wait,
      });
    }
    try {
      return await request();
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.code === "RATE_LIMITED" && failure.retryAfterMs) {
        this.channelPausedUntil.set(channelId, this.now() + failure.retryAfterMs);
        // Sharing the pause is best effort: this instance waits it out anyway, and the 429 must stay what the
        // queue sees (a database error here would turn it into an unknown outcome that counts as an attempt).
        await this.pacer.rateLimited(channelId, failure.retryAfterMs).catch(() => undefined);
      }
      throw failure;
    }
  }

  /** Our bot's id (auth.test), asked once: it tells our posts from other apps'. A failure is asked again. */
  botId(): Promise<string> {
    this.ownBotId ??= this.client.auth
      .test()
      .catch((error: unknown) => {
        throw classifySlackError(error);
      })
      .then((identity) => {
        if (!identity.bot_id) throw new Error("auth.test named no bot: SLACK_BOT_TOKEN is not a bot token");
        return identity.bot_id;
      })
      .catch((error: unknown) => {
        this.ownBotId = null;
        throw error;
      });
    return this.ownBotId;
  }
}
