import type { ChatPostMessageArguments, WebClient } from "@slack/web-api";
import type { Teammate } from "../core/assignment.js";
import { DeliveryError } from "../core/errors.js";
import type { MediaContent } from "../core/model.js";
import type { HomeView } from "../core/ports/home.js";
import type {
  CampaignProgressView,
  EarlierPost,
  ParentView,
  SlackPort,
  ThreadPost,
} from "../core/ports/slack.js";
import { MemoryPostPacing } from "../db/memory/post-pacing.js";
import { download } from "../net/download.js";
import { hostList, hostOf, shownHost } from "../net/host-list.js";
import { mediaTransfers } from "../net/transfer-slots.js";
import { cancelScheduledBlocks, type ParentOptions, parentMessage, sendAgainBlocks } from "./blocks.js";
import { campaignProgressBlocks } from "./campaign-blocks.js";
import type { ChannelDirectory } from "./directory.js";
import { classifySlackError } from "./errors.js";
import { homeBlocks } from "./home-view.js";
import { ChannelPacer, slackPostPace } from "./pacer.js";

const messageEvent = "threadline_message";
const conversationEvent = "threadline_conversation";
const campaignEvent = "threadline_campaign";
const userNameTtlMs = 10 * 60_000;
const clockSkewMs = 10 * 60_000;
/** Larger than any provider accepts (the channels allow 25 MB at most); anything bigger is refused before it fills memory. */
const maxFileBytes = 30 * 1024 * 1024;

interface TaggedMessage {
  ts?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

/**
 * Our own post among `messages`, recognised by the metadata it was posted with — and by our bot's id: any app in
 * the workspace may post metadata of the same name.
 */
function findTagged(
  messages: readonly TaggedMessage[] | undefined,
  botId: string,
  eventType: string,
  key: string,
  id: number,
): { ts: string } | null {
  const found = messages?.find(
    (message) =>
      message.bot_id === botId &&
      message.metadata?.event_type === eventType &&
      (message.metadata.event_payload as Record<string, unknown> | undefined)?.[key] === id,
  );
  return found?.ts ? { ts: found.ts } : null;
}

/** The name given to someone Slack could not tell us about. */
const unknownTeammate = "a teammate";

/**
 * The SlackPort over Bolt's WebClient. The client is configured not to retry (the delivery queue does,
 * durably), so every failure surfaces here at once and is classified.
 *
 * Slack allows about one message per second per channel: posts reserve a slot in the channel's pace, shared by
 * every instance, and wait for it; when none is free soon they fail as "paced" without a request, so the queue
 * waits on a timer. After a 429 the whole channel waits out Retry-After, here without another request and on
 * the other instances through the shared pace, while other channels carry on.
 */
export class SlackGateway implements SlackPort {
  private readonly channelPausedUntil = new Map<string, number>();
  private ownBotId: Promise<string> | null = null;
  private readonly userNames = new Map<string, { name: string; avatarUrl: string | null; expires: number }>();
  private teamUrl: Promise<string> | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly directory: ChannelDirectory,
    private readonly now: () => number = Date.now,
    private readonly pacer: ChannelPacer = new ChannelPacer(new MemoryPostPacing(), slackPostPace, now),
    /** Names kept at most, the least recently fetched dropped first: one per person who ever replied otherwise. */
    private readonly maxCachedNames = 1_000,
    /** What parents offer besides the conversation's controls (the AI controls when a model is configured). */
    private readonly parentOptions: ParentOptions = { ai: false },
  ) {}

  channelMembers(channelId: string): Promise<Teammate[]> {
    return this.directory.channelMembers(channelId);
  }

  warmChannel(channelId: string): void {
    this.directory.warm(channelId);
  }

  async postParent(channelId: string, view: ParentView, earlier?: EarlierPost): Promise<{ ts: string }> {
    const { text, blocks } = parentMessage(view, await this.assigneeName(view), this.parentOptions);
    return this.post(
      channelId,
      {
        channel: channelId,
        text,
        blocks,
        unfurl_links: false,
        metadata: { event_type: conversationEvent, event_payload: { conversation_id: view.conversationId } },
      },
      earlier,
    );
  }

  async updateParent(channelId: string, ts: string, view: ParentView): Promise<void> {
    const { text, blocks } = parentMessage(view, await this.assigneeName(view), this.parentOptions);
    await this.call(channelId, () => this.client.chat.update({ channel: channelId, ts, text, blocks }));
  }

  async postInThread(
    channelId: string,
    threadTs: string,
    post: ThreadPost,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }> {
    return this.post(
      channelId,
      {
        channel: channelId,
        thread_ts: threadTs,
        text: post.text,
        unfurl_links: false,
        unfurl_media: false,
        ...(post.username ? { username: post.username } : {}),
        ...(post.iconUrl ? { icon_url: post.iconUrl } : {}),
        ...(post.broadcast ? { reply_broadcast: true } : {}),
        ...(post.sendAgain === undefined ? {} : { blocks: sendAgainBlocks(post.text, post.sendAgain) }),
        ...(post.cancelScheduled === undefined
          ? {}
          : { blocks: cancelScheduledBlocks(post.text, post.cancelScheduled) }),
        ...(post.messageId === undefined
          ? {}
          : { metadata: { event_type: messageEvent, event_payload: { message_id: post.messageId } } }),
      } as ChatPostMessageArguments,
      earlier,
    );
  }

  async postInChannel(channelId: string, text: string): Promise<{ ts: string }> {
    return this.post(channelId, { channel: channelId, text, unfurl_links: false, unfurl_media: false });
  }

  async postCampaignProgress(
    channelId: string,
    view: CampaignProgressView,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }> {
    return this.post(
      channelId,
      {
        channel: channelId,
        text: view.text,
        blocks: campaignProgressBlocks(view),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: campaignEvent, event_payload: { campaign_id: view.campaignId } },
      },
      earlier,
    );
  }

  async findCampaignProgress(
    channelId: string,
    campaignId: number,
    since: Date,
  ): Promise<{ ts: string } | null> {
    const history = await this.call(channelId, () =>
      this.client.conversations.history({
        channel: channelId,
        oldest: String(Math.floor((since.getTime() - clockSkewMs) / 1000)),
        include_all_metadata: true,
        limit: 1000,
      }),
    );
    return findTagged(history.messages, await this.botId(), campaignEvent, "campaign_id", campaignId);
  }

  /** An edit takes a slot of the channel's pace like a post, so a campaign's edits never crowd out its threads. */
  async updateCampaignProgress(channelId: string, ts: string, view: CampaignProgressView): Promise<void> {
    await this.pacer.awaitSlot(channelId);
    await this.call(channelId, () =>
      this.client.chat.update({
        channel: channelId,
        ts,
        text: view.text,
        blocks: campaignProgressBlocks(view),
      }),
    );
  }

  async replaceMessage(channelId: string, ts: string, text: string): Promise<void> {
    await this.call(channelId, () => this.client.chat.update({ channel: channelId, ts, text, blocks: [] }));
  }

  async findPostedMessage(
    channelId: string,
    threadTs: string,
    messageId: number,
  ): Promise<{ ts: string } | null> {
    const replies = await this.call(channelId, () =>
      this.client.conversations.replies({
        channel: channelId,
        ts: threadTs,
        include_all_metadata: true,
        limit: 1000,
      }),
    );
    return findTagged(replies.messages, await this.botId(), messageEvent, "message_id", messageId);
  }

  async uploadFile(channelId: string, threadTs: string, file: MediaContent): Promise<void> {
    await this.call(channelId, () =>
      mediaTransfers.run(() =>
        this.client.filesUploadV2({
          channel_id: channelId,
          thread_ts: threadTs,
          file: Buffer.from(file.bytes),
          filename: file.filename,
          title: file.filename,
        }),
      ),
    );
  }

  /**
   * Files agents attach, with the bot token: it goes only to Slack's file host (or the SLACK_API_URL host,
   * which tests point at a fake), over https, and so does every redirect; any other link is refused.
   */
  async downloadFile(url: string): Promise<MediaContent> {
    const slackFiles = hostList(
      ["files.slack.com", hostOf(this.client.slackApiUrl)],
      (link) => `${shownHost(link)} is not Slack's file host`,
    );
    const authorization = `Bearer ${this.client.token}`;
    const file = await download(url, {
      source: "Slack",
      refusal: (link) => slackFiles.refusal(link),
      headers: () => ({ authorization }),
      maxBytes: maxFileBytes,
    });
    return {
      bytes: file.bytes,
      contentType: file.contentType || "application/octet-stream",
      filename: decodeURIComponent(new URL(url).pathname.split("/").pop() || "file"),
    };
  }

  async addReaction(channelId: string, ts: string, name: string): Promise<void> {
    try {
      await this.call(channelId, () =>
        this.client.reactions.add({ channel: channelId, timestamp: ts, name }),
      );
    } catch (error) {
      if (error instanceof DeliveryError && error.code === "SLACK_already_reacted") return;
      throw error;
    }
  }

  async findPostedParent(
    channelId: string,
    conversationId: number,
    since: Date,
  ): Promise<{ ts: string } | null> {
    const history = await this.call(channelId, () =>
      this.client.conversations.history({
        channel: channelId,
        // Slack stamps messages with its own clock; ten minutes absorbs any skew with ours.
        oldest: String(Math.floor((since.getTime() - clockSkewMs) / 1000)),
        include_all_metadata: true,
        limit: 1000,
      }),
    );
    return findTagged(
      history.messages,
      await this.botId(),
      conversationEvent,
      "conversation_id",
      conversationId,
    );
  }

  async parentConversationId(channelId: string, ts: string): Promise<number | null> {
    // The thread's first message is its parent, with the metadata it was posted with.
    const thread = await this.call(channelId, () =>
      this.client.conversations.replies({ channel: channelId, ts, limit: 1, include_all_metadata: true }),
    );
    const parent = thread.messages?.[0] as TaggedMessage | undefined;
    if (parent?.ts !== ts || parent.metadata?.event_type !== conversationEvent) return null;
    if (parent.bot_id !== (await this.botId())) return null;
    const id = (parent.metadata.event_payload as Record<string, unknown> | undefined)?.conversation_id;
    return typeof id === "number" && Number.isInteger(id) ? id : null;
  }

  /** Our bot's id (auth.test), asked once: it tells our posts from other apps'. A failure is asked again. */
  private botId(): Promise<string> {
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

  /** The name the assign menu shows (the gateway caches names; an unknown one leaves the menu's placeholder). */
  private async assigneeName(view: ParentView): Promise<string | null> {
    if (!view.assigneeId) return null;
    const name = await this.userDisplayName(view.assigneeId);
    return name === unknownTeammate ? null : name;
  }

  async userDisplayName(userId: string): Promise<string> {
    return (await this.userProfile(userId)).name;
  }

  async userProfile(userId: string): Promise<{ name: string; avatarUrl: string | null }> {
    const cached = this.userNames.get(userId);
    if (cached && cached.expires > this.now()) return cached;
    try {
      const { user } = await this.client.users.info({ user: userId });
      const name =
        user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || userId;
      const avatarUrl = user?.profile?.image_72 || user?.profile?.image_48 || null;
      this.userNames.delete(userId);
      this.userNames.set(userId, { name, avatarUrl, expires: this.now() + userNameTtlMs });
      const oldest = this.userNames.keys().next().value;
      if (this.userNames.size > this.maxCachedNames && oldest !== undefined) this.userNames.delete(oldest);
      return { name, avatarUrl };
    } catch {
      // A name is a courtesy in the customer's text; an unknown one must not hold the reply back.
      return cached ?? { name: unknownTeammate, avatarUrl: null };
    }
  }

  async permalink(channelId: string, ts: string): Promise<string | null> {
    try {
      const { permalink } = await this.client.chat.getPermalink({ channel: channelId, message_ts: ts });
      return permalink ?? null;
    } catch {
      return null;
    }
  }

  async channelMembership(channelId: string): Promise<{ isMember: boolean; name: string } | null> {
    try {
      const { channel } = await this.client.conversations.info({ channel: channelId });
      return channel ? { isMember: channel.is_member === true, name: channel.name ?? channelId } : null;
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.code === "SLACK_channel_not_found") return null;
      throw failure;
    }
  }

  async userTimeZone(userId: string): Promise<string | null> {
    try {
      const { user } = await this.client.users.info({ user: userId });
      return user?.tz || null;
    } catch {
      // The caller falls back to UTC and says so.
      return null;
    }
  }

  async publishHome(home: HomeView): Promise<void> {
    const view = { type: "home" as const, blocks: homeBlocks(home, await this.workspaceUrl()) };
    try {
      await this.client.views.publish({ user_id: home.userId, view });
    } catch (error) {
      throw classifySlackError(error);
    }
  }

  /** The workspace's address, for links to threads (asked once; Slack's generic address if that fails). */
  private workspaceUrl(): Promise<string> {
    this.teamUrl ??= this.client.auth.test().then(
      (identity) => identity.url ?? "https://slack.com/",
      () => {
        this.teamUrl = null;
        return "https://slack.com/";
      },
    );
    return this.teamUrl;
  }

  private async post(
    channelId: string,
    args: ChatPostMessageArguments,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }> {
    await this.pacer.awaitSlot(channelId);
    const found = await earlier?.();
    if (found) return found;
    const result = await this.call(channelId, () => this.client.chat.postMessage(args));
    if (!result.ts)
      throw new DeliveryError("SLACK_NO_TS", "Slack did not return the message's ts", { transient: true });
    return { ts: result.ts };
  }

  private async call<T>(channelId: string, request: () => Promise<T>): Promise<T> {
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
}
