import type { Attachment, ChannelKind, ContactProfile, MediaContent, MessageStatus } from "../model.js";
import type { ReplyWindow, ReplyWindowRules } from "../policies/reply-window.js";

/* The customer channel port: what the core needs from a provider (Twilio, Meta). Adapters in src/channels
 * implement it; tests implement it in memory. Nothing here names an SDK. */

/**
 * What a channel can carry and allows, declared by its folder: the core knows channel behaviour only through
 * these, never by the channel's name.
 */
export interface ChannelCapabilities {
  /** The longest text one provider message may carry; longer replies go out in parts (`replyParts`). */
  readonly maxTextLength: number;
  /** How long an AI draft should be at most, and why, in words the model reads; `maxTextLength` when absent. */
  readonly draftLength?: { readonly characters: number; readonly why: string };
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
  /**
   * Whether a plain request to stop ("stop texting me", `optOutRequest`) that the provider does not block on opts
   * the customer out too, with a confirmation the app sends: channels under texting rules.
   */
  readonly honoursOptOutRequests: boolean;
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
   * Parses the address of an existing customer an agent typed to name them (`/threadline forget`), for channels
   * whose customers' addresses read unlike their inboxes' (a web chat visitor against a site key); without it,
   * the contact address, else the inbox address, is read.
   */
  parseCustomerAddress?(input: string): string | null;
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
  /**
   * What the agent who connected an inbox must do next, for channels that need more than the command (a website
   * pastes a snippet): appended to the answer. Slack markup, written by the channel.
   */
  connectedNote?(inboxAddress: string): string;
  /** Downloads a file the customer sent (with the provider's credentials); throws DeliveryError. */
  fetchMedia(attachment: Attachment): Promise<MediaContent>;
}

/** Every channel, always: a disabled one still names and formats its addresses. */
export type ChannelRegistry = Readonly<Record<ChannelKind, CustomerChannel>>;
