import { randomBytes } from "node:crypto";
import type {
  ChannelInput,
  Ephemeral,
  MessageVersion,
  PublishedHome,
  Reaction,
  ResponseUrlPost,
  SimulatedChannel,
  SimulatedUser,
  SlackFile,
  StoredMessage,
  Upload,
  UserInput,
} from "./types.js";

export interface Identity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}

interface StoredFile {
  file: SlackFile;
  /** Undefined until the bytes have been uploaded. */
  bytes?: Buffer;
}

const MIME_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
  vcf: "text/vcard",
};

/** When the workspace began (epoch seconds): what channels and profiles report as created or updated. */
export const BASE_SECONDS = 1_700_000_000;

/** Channels, users, messages and files of the simulated workspace (rendering.ts renders them as JSON). */
/** How long Slack accepts a trigger_id after the interaction that carried it. */
const TRIGGER_TTL_MS = 3_000;

export class Workspace {
  readonly channels = new Map<string, SimulatedChannel>();
  readonly users = new Map<string, SimulatedUser>();
  readonly messages: StoredMessage[] = [];
  /** channel + ts → message, so lookups stay O(1) when a benchmark stores tens of thousands of messages. */
  private readonly byTs = new Map<string, StoredMessage>();
  readonly ephemerals: Ephemeral[] = [];
  readonly reactions: Reaction[] = [];
  /** Each user's home tab, as views.publish last set it. */
  readonly homes = new Map<string, PublishedHome>();
  /** trigger_ids of people's interactions, each usable once within 3 seconds to open a modal. */
  readonly triggers = new Map<string, { user: string; expiresAt: number }>();
  readonly uploads: Upload[] = [];
  readonly responses: ResponseUrlPost[] = [];
  private readonly files = new Map<string, StoredFile>();
  private tsCounter = 0;
  private idCounter = 0;

  constructor(
    readonly ids: Identity,
    private readonly origin: string,
  ) {}

  /**
   * Unique, increasing message timestamps from the wall clock, as Slack's are (callers filter history with
   * `oldest`), bumped by a microsecond when two messages land in the same one.
   */
  nextTs(): string {
    this.tsCounter = Math.max(this.tsCounter + 1, Date.now() * 1000);
    const seconds = Math.floor(this.tsCounter / 1_000_000);
    return `${seconds}.${String(this.tsCounter % 1_000_000).padStart(6, "0")}`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}${String(this.idCounter).padStart(10, "0")}`;
  }

  addChannel(input: ChannelInput): SimulatedChannel {
    const channel: SimulatedChannel = {
      id: input.id,
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      members: new Set(input.members ?? []),
      archived: input.archived ?? false,
      created: BASE_SECONDS - 86_400,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addUser(input: UserInput): SimulatedUser {
    const user: SimulatedUser = {
      id: input.id,
      name: input.name,
      realName: input.realName ?? input.name,
      displayName: input.displayName ?? "",
      isBot: input.isBot ?? false,
      deleted: input.deleted ?? false,
      tz: input.tz ?? "America/Los_Angeles",
    };
    this.users.set(user.id, user);
    return user;
  }

  isBotMember(channel: SimulatedChannel): boolean {
    return channel.members.has(this.ids.botUserId);
  }

  channelType(channel: SimulatedChannel): "channel" | "group" {
    return channel.isPrivate ? "group" : "channel";
  }

  createFile(input: {
    name: string;
    title?: string;
    mimetype?: string;
    user: string;
    size: number;
  }): SlackFile {
    const id = this.nextId("F");
    const name = input.name;
    const extension = name.includes(".") ? (name.split(".").pop() ?? "").toLowerCase() : "";
    const path = `${this.origin}/files-pri/${this.ids.teamId}-${id}`;
    const created = Math.floor(Date.now() / 1000);
    const file: SlackFile = {
      id,
      created,
      timestamp: created,
      name,
      title: input.title ?? name,
      mimetype: input.mimetype ?? MIME_TYPES[extension] ?? "application/octet-stream",
      filetype: extension || "binary",
      pretty_type: extension ? extension.toUpperCase() : "Binary",
      user: input.user,
      editable: false,
      size: input.size,
      mode: "hosted",
      is_external: false,
      external_type: "",
      is_public: true,
      public_url_shared: false,
      display_as_bot: false,
      username: "",
      url_private: `${path}/${encodeURIComponent(name)}`,
      url_private_download: `${path}/download/${encodeURIComponent(name)}`,
      permalink: `https://${this.ids.teamDomain}.slack.com/files/${input.user}/${id}/${encodeURIComponent(name)}`,
      has_rich_preview: false,
    };
    this.files.set(id, { file });
    return file;
  }

  file(id: string): { file: SlackFile; bytes?: Buffer } | undefined {
    return this.files.get(id);
  }

  storeFileBytes(id: string, bytes: Buffer): void {
    const stored = this.files.get(id);
    if (!stored) throw new Error(`no file ${id}`);
    stored.bytes = bytes;
    stored.file.size = bytes.length;
  }

  addMessage(version: MessageVersion): StoredMessage {
    const message: StoredMessage = {
      ...version,
      history: [],
      receivedAt: performance.timeOrigin + performance.now(),
    };
    this.messages.push(message);
    this.byTs.set(`${message.channel} ${message.ts}`, message);
    return message;
  }

  /** Applies `changes`, keeping the replaced version in `history`. */
  updateMessage(message: StoredMessage, changes: Partial<MessageVersion>): MessageVersion {
    const { history, deleted: _deleted, receivedAt: _receivedAt, ...previous } = message;
    history.push(previous);
    Object.assign(message, changes);
    return previous;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    const indexed = this.byTs.get(`${channel} ${ts}`);
    if (indexed) return indexed.deleted ? undefined : indexed;
    // A message a test pushed into `messages` directly is not indexed.
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  wasDeleted(channel: string, ts: string): boolean {
    return this.byTs.get(`${channel} ${ts}`)?.deleted === true;
  }

  /** Slack threads a reply under the root even when given the ts of another reply. */
  rootTs(message: MessageVersion): string {
    return message.thread_ts ?? message.ts;
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages
      .filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs && !m.deleted)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  topLevel(channel: string): StoredMessage[] {
    return this.messages
      .filter((m) => m.channel === channel && (!m.thread_ts || m.thread_ts === m.ts) && !m.deleted)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** A trigger_id for an interaction of `user`, usable once within 3 seconds (views.open). */
  issueTrigger(user: string): string {
    const id = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;
    this.triggers.set(id, { user, expiresAt: Date.now() + TRIGGER_TTL_MS });
    return id;
  }
}

export function compareTs(a: string, b: string): number {
  const [aSec = 0, aMicro = 0] = a.split(".").map(Number);
  const [bSec = 0, bMicro = 0] = b.split(".").map(Number);
  return aSec - bSec || aMicro - bMicro;
}
