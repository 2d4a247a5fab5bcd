export type Json = Record<string, unknown>;

export interface ChannelInput {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Include the bot user id to make the bot a member. */
  members?: string[];
  archived?: boolean;
}

export interface SimulatedChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: Set<string>;
  archived: boolean;
  created: number;
}

export interface UserInput {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** The time zone users.info reports (America/Los_Angeles unless given). */
  tz?: string;
}

export interface SimulatedUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  isBot: boolean;
  deleted: boolean;
  tz: string;
}

/** A home tab as views.publish last set it for a user. */
/** A modal the app opened with views.open, for a test to read and submit. */
export interface OpenedModal {
  id: string;
  triggerId: string;
  view: Json;
}

export interface PublishedHome {
  user: string;
  view: Json;
  /** How many times it has been published so far, this one included. */
  version: number;
}

/** A file object as Slack's API and events present it (the bytes are kept separately). */
export interface SlackFile extends Json {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  user: string;
  url_private: string;
  url_private_download: string;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Json;
}

export interface MessageVersion {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  user?: string;
  bot_id?: string;
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  reply_broadcast?: boolean;
  metadata?: MessageMetadata;
  files?: SlackFile[];
  subtype?: string;
  client_msg_id?: string;
  edited?: { user: string; ts: string };
}

export interface StoredMessage extends MessageVersion {
  deleted?: boolean;
  /** Earlier versions, oldest first; chat.update and edits push the replaced version here. */
  history: MessageVersion[];
  /** When the simulator stored it (epoch ms, sub-millisecond): benchmarks measure delivery latency with it. */
  receivedAt?: number;
}

export interface Ephemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: Json[];
  thread_ts?: string;
  /** `command_ack`: the answer a slash command's ack carried, which Slack shows as an ephemeral message. */
  via: "chat.postEphemeral" | "response_url" | "command_ack";
}

export interface Reaction {
  channel: string;
  timestamp: string;
  name: string;
  user: string;
}

export interface Upload {
  fileId: string;
  filename: string;
  title: string;
  bytes: Buffer;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** ts of the message that carries the file, when it was shared to a channel. */
  messageTs?: string;
}

export interface ApiCall {
  method: string;
  /** Arguments as sent: form values are strings (JSON strings for objects), JSON bodies keep their types. */
  args: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  at: Date;
}

export interface ResponseUrlPost {
  url: string;
  kind: "command" | "action";
  channel: string;
  user: string;
  messageTs?: string;
  body: Json;
  at: Date;
}

export interface FailSpec {
  times?: number;
  /** 200 (default) answers `{ok:false,error}`; 429 adds Retry-After; anything else answers without JSON. */
  status?: number;
  retryAfter?: number;
  error?: string;
  /** The call takes effect (a post is in the channel) and the caller gets the fault's answer anyway. */
  accepted?: boolean;
}

export interface RateLimitSpec {
  perSecond: number;
  burst: number;
}

export type DisconnectReason = "refresh_requested" | "warning" | "link_disabled";

export interface SocketEnvelope {
  envelope_id: string;
  type: "events_api" | "interactive" | "slash_commands";
  payload: Json;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload: Json;
  at: Date;
}

/** How long to wait for the app to ack what is sent to it (Slack's own limit when absent). */
export interface AckOptions {
  ackTimeoutMs?: number;
}
