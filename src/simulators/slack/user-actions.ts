import { randomBytes, randomUUID } from "node:crypto";
import {
  appHomeOpenedEvent,
  memberJoinedChannelEvent,
  memberLeftChannelEvent,
  messageChangedEvent,
  messageDeletedEvent,
  reactionEvent,
  teamJoinEvent,
  userChangeEvent,
} from "./events.js";
import { messageEvent } from "./rendering.js";
import type {
  AckOptions,
  Json,
  Reaction,
  SimulatedChannel,
  SimulatedUser,
  SlackFile,
  StoredMessage,
  UserInput,
} from "./types.js";
import type { Workspace } from "./workspace.js";

/** What Slack leaves where a thread's parent was deleted (captured payloads: subtype, text, user). */
const tombstone = { subtype: "tombstone", text: "This message was deleted.", user: "USLACKBOT" } as const;

/** Sends an events_api envelope; resolves with its envelope id once the app acks it. */
export type SendEvent = (event: Json, opts?: AckOptions) => Promise<string>;

/**
 * What people do in the workspace that the app hears about as events: messages, edits and deletions, joining
 * and leaving, profile changes, reactions, opening the Home tab. Each changes the workspace first, then sends
 * the event Slack would send.
 */
export class UserActions {
  constructor(
    private readonly workspace: Workspace,
    private readonly sendEvent: SendEvent,
  ) {}

  /**
   * A user posts in a channel: the message is stored and, when the bot is a member, delivered as a
   * `message` event (envelopeId is null otherwise, as the app would not hear about it).
   */
  async userMessage(
    input: {
      channel: string;
      user: string;
      text: string;
      thread_ts?: string;
      files?: SlackFile[];
      subtype?: string;
    } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const channel = requireChannel(this.workspace, input.channel);
    let threadTs: string | undefined;
    if (input.thread_ts) {
      const parent = this.workspace.findMessage(channel.id, input.thread_ts);
      if (!parent) throw new Error(`no message ${input.thread_ts} in ${channel.id} to reply to`);
      threadTs = this.workspace.rootTs(parent);
    }
    // A file added without an owner belongs to whoever shares it, as in Slack.
    const files = input.files?.map((file) => (file.user ? file : Object.assign(file, { user: input.user })));
    const subtype = input.subtype ?? (files?.length ? "file_share" : undefined);
    const message = this.workspace.addMessage({
      channel: channel.id,
      ts: this.workspace.nextTs(),
      text: input.text,
      user: input.user,
      client_msg_id: randomUUID(),
      ...(input.text && { blocks: richText(input.text) }),
      ...(threadTs && { thread_ts: threadTs }),
      ...(files && { files }),
      ...(subtype && { subtype }),
    });
    const envelopeId = this.workspace.isBotMember(channel)
      ? await this.sendEvent(messageEvent(this.workspace, message), input)
      : null;
    return { ts: message.ts, envelopeId };
  }

  /** A user edits a message: stored, then a `message_changed` event. */
  async editMessage(
    input: { channel: string; ts: string; text: string; user?: string } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const { channel, message } = requireMessage(this.workspace, input.channel, input.ts);
    const editTs = this.workspace.nextTs();
    const editor = input.user ?? message.user ?? "";
    const previous = this.workspace.updateMessage(message, {
      text: input.text,
      blocks: richText(input.text),
      edited: { user: editor, ts: editTs },
    });
    const event = messageChangedEvent(this.workspace, channel, message, previous, editTs);
    return { ts: editTs, envelopeId: await this.deliverIfMember(channel, event, input) };
  }

  /**
   * A user (or an admin) deletes a message: flagged as deleted, then a `message_deleted` event. A thread's parent
   * with replies is not removed: Slack leaves a "This message was deleted." tombstone in its place, announced as a
   * `message_changed` whose `message.subtype` is `tombstone`, and the thread goes on.
   */
  async deleteMessage(
    input: { channel: string; ts: string } & AckOptions,
  ): Promise<{ ts: string; envelopeId: string | null }> {
    const { channel, message } = requireMessage(this.workspace, input.channel, input.ts);
    const deleteTs = this.workspace.nextTs();
    const isParent = !message.thread_ts || message.thread_ts === message.ts;
    if (isParent && this.workspace.replies(channel.id, message.ts).length > 0) {
      const previous = this.workspace.updateMessage(message, { ...tombstone, thread_ts: message.ts });
      for (const key of [
        "blocks",
        "attachments",
        "metadata",
        "bot_id",
        "username",
        "icon_url",
        "files",
      ] as const)
        delete message[key];
      const event = messageChangedEvent(this.workspace, channel, message, previous, deleteTs);
      return { ts: deleteTs, envelopeId: await this.deliverIfMember(channel, event, input) };
    }
    message.deleted = true;
    const event = messageDeletedEvent(this.workspace, channel, message, deleteTs);
    return { ts: deleteTs, envelopeId: await this.deliverIfMember(channel, event, input) };
  }

  /**
   * Someone joins a channel (or is added): a member at once, then `member_joined_channel` if the bot is in
   * the channel, its own joining included. Resolves with the envelope id (null when the bot hears nothing).
   */
  async joinChannel(
    input: { channel: string; user: string; inviter?: string } & AckOptions,
  ): Promise<string | null> {
    const channel = requireChannel(this.workspace, input.channel);
    channel.members.add(input.user);
    const event = memberJoinedChannelEvent(this.workspace, channel, input.user, input.inviter);
    return this.deliverIfMember(channel, event, input);
  }

  /** Someone leaves a channel (or is removed): `member_left_channel` if the bot was in it, itself included. */
  async leaveChannel(input: { channel: string; user: string } & AckOptions): Promise<string | null> {
    const channel = requireChannel(this.workspace, input.channel);
    const heard = this.workspace.isBotMember(channel);
    channel.members.delete(input.user);
    const event = memberLeftChannelEvent(this.workspace, channel, input.user);
    return heard ? this.sendEvent(event, input) : null;
  }

  /**
   * A user's data changes (name, deactivation, bot flag): stored, then `user_change`, which Slack sends to
   * every app in the workspace with users:read. Resolves with the envelope id once the app acks it.
   */
  async updateUser(
    id: string,
    changes: Partial<Omit<SimulatedUser, "id">>,
    opts: AckOptions = {},
  ): Promise<string> {
    const user = this.workspace.users.get(id);
    if (!user) throw new Error(`no user ${id}; addUser() it first`);
    Object.assign(user, changes);
    return this.sendEvent(userChangeEvent(this.workspace, user), opts);
  }

  /** A new member joins the workspace: stored, then `team_join`. */
  async joinTeam(input: UserInput & AckOptions): Promise<string> {
    const user = this.workspace.addUser(input);
    return this.sendEvent(teamJoinEvent(this.workspace, user), input);
  }

  /**
   * A user adds an emoji reaction to a message: stored, then `reaction_added` when the bot is in the channel.
   * Resolves with the envelope id once the app acks it (null when the app would hear nothing).
   */
  async react(
    input: { channel: string; ts: string; user: string; name: string } & AckOptions,
  ): Promise<string | null> {
    const { channel, message } = requireMessage(this.workspace, input.channel, input.ts);
    const reaction = { channel: channel.id, timestamp: message.ts, name: input.name, user: input.user };
    this.workspace.reactions.push(reaction);
    return this.deliverIfMember(
      channel,
      reactionEvent(this.workspace, "reaction_added", channel, reaction, message.user),
      input,
    );
  }

  /** A user removes their reaction: gone, then `reaction_removed` when the bot is in the channel. */
  async unreact(
    input: { channel: string; ts: string; user: string; name: string } & AckOptions,
  ): Promise<string | null> {
    const { channel, message } = requireMessage(this.workspace, input.channel, input.ts);
    const index = this.workspace.reactions.findIndex(
      (r) =>
        r.channel === channel.id &&
        r.timestamp === message.ts &&
        r.name === input.name &&
        r.user === input.user,
    );
    if (index === -1) throw new Error(`${input.user} has no :${input.name}: on ${message.ts}`);
    const [reaction] = this.workspace.reactions.splice(index, 1);
    return this.deliverIfMember(
      channel,
      reactionEvent(this.workspace, "reaction_removed", channel, reaction as Reaction, message.user),
      input,
    );
  }

  /** A user opens the app's Home tab (or its Messages tab); resolves once the app acks `app_home_opened`. */
  openHome(user: string, tab: "home" | "messages" = "home", opts: AckOptions = {}): Promise<string> {
    return this.sendEvent(appHomeOpenedEvent(this.workspace, user, tab), opts);
  }

  private async deliverIfMember(
    channel: SimulatedChannel,
    event: Json,
    opts: AckOptions,
  ): Promise<string | null> {
    return this.workspace.isBotMember(channel) ? this.sendEvent(event, opts) : null;
  }
}

export function requireChannel(workspace: Workspace, id: string): SimulatedChannel {
  const channel = workspace.channels.get(id);
  if (!channel) throw new Error(`no channel ${id}; addChannel() it first`);
  return channel;
}

function requireMessage(
  workspace: Workspace,
  channelId: string,
  ts: string,
): { channel: SimulatedChannel; message: StoredMessage } {
  const channel = requireChannel(workspace, channelId);
  const message = workspace.findMessage(channel.id, ts);
  if (!message) throw new Error(`no message ${ts} in ${channelId}`);
  return { channel, message };
}

/** The rich_text block Slack's client attaches to what a user types. */
function richText(typed: string): Json[] {
  return [
    {
      type: "rich_text",
      block_id: randomBytes(3).toString("base64url"),
      elements: [{ type: "rich_text_section", elements: [{ type: "text", text: typed }] }],
    },
  ];
}
