import type { Teammate } from "../assignment.js";
import type { Conversation, MediaContent } from "../model.js";
import type { HomeView } from "./home.js";

/* The Slack port: what the core needs from Slack. src/slack implements it; tests implement it in memory. */

/** What the thread's parent message shows; src/slack renders it as Block Kit. */
export interface ParentView {
  readonly conversationId: number;
  readonly title: string;
  readonly contactAddress: string;
  readonly contactAvatarUrl: string | null;
  readonly channelLabel: string;
  readonly inboxAddress: string;
  readonly status: Conversation["status"];
  readonly assigneeId: string | null;
  readonly closedBy: string | null;
  readonly closedAt: Date | null;
  readonly optedOut: boolean;
  /** The contact's tags (internal labels for campaigns). */
  readonly tags?: readonly string[];
  /**
   * Whether the parent offers "View all messages". The button carries no link: a click asks for a fresh,
   * short-lived one, given only to the person who clicked.
   */
  readonly transcriptButton: boolean;
}

/** Builds signed, short-lived links to transcript pages; the HTTP adapter signs and serves them. */
export interface TranscriptLinks {
  urlFor(conversationId: number): { readonly url: string; readonly expiresAt: Date };
}

export interface ThreadPost {
  readonly text: string;
  /** Shown as the poster's name (the customer's, for their messages). */
  readonly username?: string;
  readonly iconUrl?: string;
  /** Also show the reply in the channel. */
  readonly broadcast?: boolean;
  /** Our message id, carried as Slack message metadata so a post can be recognised after a crash. */
  readonly messageId?: number;
  /** A reply (its message id) whose outcome is unknown: the post offers a **Send again** button for it. */
  readonly sendAgain?: number;
  /** A scheduled message (its id): the post offers a **Cancel** button for it. */
  readonly cancelScheduled?: number;
}

/**
 * For a post an earlier attempt may have made: looks for it once the post's pace slot is granted (so waiting for
 * the slot costs no look-ups); what it finds is returned instead of posting again.
 */
export type EarlierPost = () => Promise<{ ts: string } | null>;

/** A campaign's progress message: its text, and whether it offers **Stop campaign**. */
export interface CampaignProgressView {
  readonly campaignId: number;
  readonly text: string;
  readonly stoppable: boolean;
}

export interface SlackPort {
  postParent(channelId: string, view: ParentView, earlier?: EarlierPost): Promise<{ ts: string }>;
  updateParent(channelId: string, ts: string, view: ParentView): Promise<void>;
  postInThread(
    channelId: string,
    threadTs: string,
    post: ThreadPost,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }>;
  /** Posts a top-level message in the channel (notices about the channel itself, not a conversation). */
  postInChannel(channelId: string, text: string): Promise<{ ts: string }>;
  /**
   * Posts a campaign's progress message in the channel (paced like every post), carrying the campaign's id as
   * metadata; `earlier` is looked at once the slot is granted, as for parents.
   */
  postCampaignProgress(
    channelId: string,
    view: CampaignProgressView,
    earlier?: EarlierPost,
  ): Promise<{ ts: string }>;
  /** Finds the campaign's progress message among the channel's posts since `since`, if an attempt posted it. */
  findCampaignProgress(channelId: string, campaignId: number, since: Date): Promise<{ ts: string } | null>;
  /** Edits it; edits take a slot of the channel's pace too. */
  updateCampaignProgress(channelId: string, ts: string, view: CampaignProgressView): Promise<void>;
  /** Replaces one of the app's own messages with plain text and no blocks (an erased customer's posts). */
  replaceMessage(channelId: string, ts: string, text: string): Promise<void>;
  /** Uploads a file into the thread (Slack's external upload flow). */
  uploadFile(channelId: string, threadTs: string, file: MediaContent): Promise<void>;
  /** Downloads a file an agent shared, with the bot token. */
  downloadFile(url: string): Promise<MediaContent>;
  /** Marks a message with an emoji reaction; an existing reaction is fine. */
  addReaction(channelId: string, ts: string, name: string): Promise<void>;
  /** Finds a post of ours carrying `messageId` in the thread, if an earlier attempt made it. */
  findPostedMessage(channelId: string, threadTs: string, messageId: number): Promise<{ ts: string } | null>;
  /** Finds the conversation's parent among the channel's posts since `since`, if an earlier attempt made it. */
  findPostedParent(channelId: string, conversationId: number, since: Date): Promise<{ ts: string } | null>;
  /** The conversation the post at `ts` is the parent of, by the metadata we posted it with; null if none. */
  parentConversationId(channelId: string, ts: string): Promise<number | null>;
  userDisplayName(userId: string): Promise<string>;
  /** The name and picture Slack shows for a person, to post what they wrote under their name. */
  userProfile(userId: string): Promise<{ readonly name: string; readonly avatarUrl: string | null }>;
  /** A link to a message (a thread's parent); null when Slack can't give one. */
  permalink(channelId: string, ts: string): Promise<string | null>;
  /** The channel's members with their names, for the assignment menu (kept current by the adapter). */
  channelMembers(channelId: string): Promise<readonly Teammate[]>;
  /** Starts loading the channel's members in the background, so its first menu answers at once. */
  warmChannel(channelId: string): void;
  /** Whether the app is a member of the channel (null when the channel does not exist). */
  channelMembership(channelId: string): Promise<{ isMember: boolean; name: string } | null>;
  /** The person's time zone (an IANA name from their Slack profile), or null when it can't be read. */
  userTimeZone(userId: string): Promise<string | null>;
  /** Shows `home` as the person's App Home tab. */
  publishHome(home: HomeView): Promise<void>;
}
