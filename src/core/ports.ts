import type { Teammate } from "./assignment.js";
import type {
  Attachment,
  ChannelKind,
  ContactProfile,
  Conversation,
  MediaContent,
  MessageStatus,
} from "./model.js";
import type { ReplyWindow, ReplyWindowRules } from "./policies/reply-window.js";
import type { HomeView } from "./ports/home.js";

/* Ports: what the core needs from the outside world. Adapters in src/channels, src/slack and src/db
 * implement them; tests implement them in memory. Nothing here names an SDK. */

// ---- Customer channels ----

/**
 * What a channel can carry and allows, declared by its folder: the core knows channel behaviour only through
 * these, never by the channel's name.
 */
export interface ChannelCapabilities {
  /** The longest text one provider message may carry; longer replies go out in parts (`replyParts`). */
  readonly maxTextLength: number;
  /** Files the customer can receive: MIME types (or "any"), the same in words for agents, and the size cap. */
  readonly media: {
    readonly types: readonly string[] | "any";
    readonly typesInWords: string;
    readonly maxBytes: number;
  };
  /** Whether a sent message can be edited or unsent, reacted to, and reports being read. */
  readonly edits: boolean;
  readonly reactions: boolean;
  readonly readReceipts: boolean;
  /** How long after the customer's last message a reply may be sent; null: any time. */
  readonly replyWindow: ReplyWindowRules | null;
  /** How a business may write to a customer first: any text, only an approved template, or not at all. */
  readonly firstMessage: "text" | "template" | "never";
  /** Approved message templates the provider sends by id, for channels that have them; null otherwise. */
  readonly templates: {
    /** What an id looks like, for help texts. */
    readonly idExample: string;
    isTemplateId(id: string): boolean;
  } | null;
  /**
   * Words that, as a whole message in any case, opt the customer out of (or back into) messages from the
   * inbox, where the provider blocks senders on them; empty when it does not.
   */
  readonly optOutWords: readonly string[];
  readonly optInWords: readonly string[];
}

/** An approved template to send instead of free text: the provider's id and its numbered variables, in order. */
export interface TemplateRequest {
  readonly id: string;
  readonly variables: readonly string[];
}

/** A file for the customer: the bytes, and a public, expiring link to them for providers that fetch. */
export interface OutboundMedia extends MediaContent {
  readonly publicUrl: string;
}

/**
 * One provider message of a reply, as the channel splits it (providers cap a message's length, and some send
 * files as messages of their own). `media` are the files it carries.
 */
export interface ReplyPart<M> {
  /** Its place in the reply, 0 first; the same on every attempt. */
  readonly index: number;
  readonly text: string;
  readonly media: readonly M[];
}

export type OutboundPart = ReplyPart<OutboundMedia>;

export interface OutboundRequest {
  readonly inboxAddress: string;
  readonly contactAddress: string;
  /** What is still to send, in order: parts an earlier attempt got accepted are left out by the core. */
  readonly parts: readonly OutboundPart[];
  /** Our message id, so the provider's status callbacks can be matched. */
  readonly messageId: number;
  readonly lastInboundAt: Date | null;
  /**
   * The window the core decided the reply goes out in, for channels that declare a reply window; null for
   * channels without one, and for templates.
   */
  readonly replyWindow: ReplyWindow | null;
  /** Send this approved template instead of the parts' text (channels with `capabilities.templates`). */
  readonly template: TemplateRequest | null;
}

/** A part the provider accepted: its id there, and the status it answered with. */
export interface AcceptedPart {
  readonly index: number;
  readonly providerMessageId: string;
  readonly status: MessageStatus;
}

/** One customer channel. Each channel folder provides one, registered in a Record<ChannelKind, …>. */
export interface CustomerChannel {
  readonly kind: ChannelKind;
  /** How agents call the channel in Slack. */
  readonly label: string;
  /** What an agent types to name an inbox of this channel in /threadline, for help texts. */
  readonly addressExample: string;
  /** Parses what an agent typed into the canonical inbox address, or returns null. */
  parseInboxAddress(input: string): string | null;
  /**
   * Parses a customer's address an agent typed to write to them first, for channels that let a business start
   * a conversation (`capabilities.firstMessage` is not "never").
   */
  parseContactAddress?(input: string): string | null;
  /**
   * The country (ISO 3166 alpha-2) an address is in, for channels whose addresses are phone numbers; null for a
   * number in no country (international networks such as +882 satellite phones).
   */
  addressCountry?(address: string): string | null;
  /** The countries agents may write to first in, when the operator chose them; else those of the connected numbers. */
  readonly allowedCountries?: readonly string[] | null;
  /** How an address reads in Slack ("(555) 000-1111"). */
  readonly capabilities: ChannelCapabilities;
  formatAddress(address: string): string;
  /** False when the channel's credentials are not configured: inbound is refused and nothing is sent. */
  readonly enabled: boolean;
  /** How a reply goes out: the provider messages it takes, in order. The same reply always splits the same way. */
  replyParts<M>(text: string, media: readonly M[]): readonly ReplyPart<M>[];
  /**
   * Sends the request's parts in order, handing each to `accepted` (and waiting for it) the moment the provider
   * accepts it, so a part that went out is recorded before the next is tried. Throws DeliveryError, `transient`
   * or not, at the first part that fails; `outcomeUnknown` when that part may have gone out anyway.
   */
  send(request: OutboundRequest, accepted: (part: AcceptedPart) => Promise<void>): Promise<void>;
  /**
   * The customer's name and picture, for channels that can look them up. Null when the provider has none to
   * give (it will not have one later either); throws DeliveryError when the lookup failed and may work later.
   */
  lookupContact?(contactAddress: string): Promise<ContactProfile | null>;
  /** How a contact whose name is unknown is called in Slack; the formatted address when absent. */
  fallbackContactName?(contactAddress: string): string;
  /**
   * Messages the provider sent since `since` that look like the request's parts (same addresses and text), if it
   * can tell (a sent-message log): after an attempt whose outcome is unknown, this is how the retry avoids
   * sending a part twice. A part may have several candidates; the core drops those it knows are other replies.
   */
  findSent?(request: OutboundRequest, since: Date): Promise<readonly AcceptedPart[]>;
  /** Downloads a file the customer sent (with the provider's credentials); throws DeliveryError. */
  fetchMedia(attachment: Attachment): Promise<MediaContent>;
}

/** Every channel, always: a disabled one still names and formats its addresses. */
export type ChannelRegistry = Readonly<Record<ChannelKind, CustomerChannel>>;

// ---- Slack ----

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
}

/**
 * For a post an earlier attempt may have made: looks for it once the post's pace slot is granted (so waiting for
 * the slot costs no look-ups); what it finds is returned instead of posting again.
 */
export type EarlierPost = () => Promise<{ ts: string } | null>;

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

/** The logging the core does; pino's Logger satisfies it. */
export interface CoreLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

// ---- Persistence: see ports/store.ts and ports/queue.ts ----

export * from "./ports/home.js";
export * from "./ports/queue.js";
export * from "./ports/store.js";
