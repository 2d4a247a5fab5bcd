// The SlackPort over Bolt's WebClient: posting parents, thread replies and campaign progress, and files.
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
import { campaignEvent, conversationEvent, EarlierPosts, messageEvent } from "./earlier-posts.js";
import { classifySlackError } from "./errors.js";
import { HomePublisher } from "./home-publisher.js";
import { ChannelPacer, slackPostPace } from "./pacer.js";
import { SlackRequests } from "./slack-requests.js";
import { UserProfiles, unknownTeammate } from "./user-profiles.js";

/** Larger than any provider accepts (the channels allow 25 MB at most); anything bigger is refused before it fills memory. */
const maxFileBytes = 30 * 1024 * 1024;

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
  private readonly requests: SlackRequests;
  private readonly earlierPosts: EarlierPosts;
  private readonly profiles: UserProfiles;
  private readonly homes: HomePublisher;

  constructor(
    private readonly client: WebClient,
    private readonly directory: ChannelDirectory,
    now: () => number = Date.now,
    pacer: ChannelPacer = new ChannelPacer(new MemoryPostPacing(), slackPostPace, now),
    /** Names kept at most, the least recently fetched dropped first: one per person who ever replied otherwise. */
    maxCachedNames = 1_000,
    /** What parents offer besides the conversation's controls (the AI controls when a model is configured). */
    private readonly parentOptions: ParentOptions = { ai: false },
  ) {
    this.requests = new SlackRequests(client, pacer, now);
    this.earlierPosts = new EarlierPosts(client, this.requests);
    this.profiles = new UserProfiles(client, now, maxCachedNames);
    this.homes = new HomePublisher(client);
  }

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

  findCampaignProgress(channelId: string, campaignId: number, since: Date): Promise<{ ts: string } | null> {
    return this.earlierPosts.campaignProgress(channelId, campaignId, since);
  }

  /** An edit takes a slot of the channel's pace like a post, so a campaign's edits never crowd out its threads. */
  async updateCampaignProgress(channelId: string, ts: string, view: CampaignProgressView): Promise<void> {
    await this.requests.pacedCall(channelId, () =>
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

  findPostedMessage(channelId: string, threadTs: string, messageId: number): Promise<{ ts: string } | null> {
    return this.earlierPosts.message(channelId, threadTs, messageId);
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

  findPostedParent(channelId: string, conversationId: number, since: Date): Promise<{ ts: string } | null> {
    return this.earlierPosts.parent(channelId, conversationId, since);
  }

  parentConversationId(channelId: string, ts: string): Promise<number | null> {
    return this.earlierPosts.parentConversationId(channelId, ts);
  }

  /** The name the assign menu shows (the gateway caches names; an unknown one leaves the menu's placeholder). */
  private async assigneeName(view: ParentView): Promise<string | null> {
    if (!view.assigneeId) return null;
    const name = await this.userDisplayName(view.assigneeId);
    return name === unknownTeammate ? null : name;
  }

  async userDisplayName(userId: string): Promise<string> {
    return (await this.profiles.profile(userId)).name;
  }

  userProfile(userId: string): Promise<{ name: string; avatarUrl: string | null }> {
    return this.profiles.profile(userId);
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

  userTimeZone(userId: string): Promise<string | null> {
    return this.profiles.timeZone(userId);
  }

  publishHome(home: HomeView): Promise<void> {
    return this.homes.publish(home);
  }

  private post(
    channelId: string,
    args: ChatPostMessageArguments,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }> {
    return this.requests.post(channelId, () => this.client.chat.postMessage(args), earlier);
  }

  private call<T>(channelId: string, request: () => Promise<T>): Promise<T> {
    return this.requests.call(channelId, request);
  }
}
