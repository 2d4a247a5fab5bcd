// Finding our own earlier posts again by the metadata they were posted with, so a retried job never posts twice.
import type { WebClient } from "@slack/web-api";
import type { SlackRequests } from "./slack-requests.js";

export const messageEvent = "threadline_message";
export const conversationEvent = "threadline_conversation";
export const campaignEvent = "threadline_campaign";
/** Slack stamps messages with its own clock; ten minutes absorbs any skew with ours. */
const clockSkewMs = 10 * 60_000;

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

export class EarlierPosts {
  constructor(
    private readonly client: WebClient,
    private readonly requests: SlackRequests,
  ) {}

  async parent(channelId: string, conversationId: number, since: Date): Promise<{ ts: string } | null> {
    const history = await this.history(channelId, since);
    return findTagged(
      history.messages,
      await this.requests.botId(),
      conversationEvent,
      "conversation_id",
      conversationId,
    );
  }

  async campaignProgress(channelId: string, campaignId: number, since: Date): Promise<{ ts: string } | null> {
    const history = await this.history(channelId, since);
    return findTagged(
      history.messages,
      await this.requests.botId(),
      campaignEvent,
      "campaign_id",
      campaignId,
    );
  }

  async message(channelId: string, threadTs: string, messageId: number): Promise<{ ts: string } | null> {
    const replies = await this.requests.call(channelId, () =>
      this.client.conversations.replies({
        channel: channelId,
        ts: threadTs,
        include_all_metadata: true,
        limit: 1000,
      }),
    );
    return findTagged(replies.messages, await this.requests.botId(), messageEvent, "message_id", messageId);
  }

  async parentConversationId(channelId: string, ts: string): Promise<number | null> {
    // The thread's first message is its parent, with the metadata it was posted with.
    const thread = await this.requests.call(channelId, () =>
      this.client.conversations.replies({ channel: channelId, ts, limit: 1, include_all_metadata: true }),
    );
    const parent = thread.messages?.[0] as TaggedMessage | undefined;
    if (parent?.ts !== ts || parent.metadata?.event_type !== conversationEvent) return null;
    if (parent.bot_id !== (await this.requests.botId())) return null;
    const id = (parent.metadata.event_payload as Record<string, unknown> | undefined)?.conversation_id;
    return typeof id === "number" && Number.isInteger(id) ? id : null;
  }

  private history(channelId: string, since: Date) {
    return this.requests.call(channelId, () =>
      this.client.conversations.history({
        channel: channelId,
        oldest: String(Math.floor((since.getTime() - clockSkewMs) / 1000)),
        include_all_metadata: true,
        limit: 1000,
      }),
    );
  }
}
