import type { WebClient } from "@slack/web-api";
import type { Teammate } from "../core/assignment.js";
import type { Logger } from "../logger.js";
import { LiveList } from "./live-list.js";

export interface DirectoryOptions {
  /** Items per page of users.list and conversations.members: Slack's maximum, so a cold load is few calls. */
  readonly pageSize: number;
  /** Channels whose member lists are kept; the least recently used beyond this are dropped. */
  readonly maxChannels: number;
  /**
   * Past this age a list still answers at once but is reloaded in the background. Events keep the lists
   * current; this only bounds how long a change Slack never delivered can go unnoticed.
   */
  readonly revalidateAfterMs: number;
}

const defaults: DirectoryOptions = {
  pageSize: 1000,
  maxChannels: 200,
  revalidateAfterMs: 6 * 60 * 60_000,
};

export type DirectoryLogger = Pick<Logger, "warn" | "debug">;

/** A user as users.list, users.info and the user_change / team_join events carry it. */
export interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

/**
 * Channel members with names, for the assignment menu, which is asked on every keystroke. The workspace's
 * users come from `users.list` and each channel's members from `conversations.members`, loaded once (when a
 * channel is connected, at start, or on first use) and then kept current from Slack's events:
 * member_joined_channel / member_left_channel, user_change and team_join. Because events can be missed while
 * the socket is down, everything is reloaded in the background after a reconnect, and a list older than
 * `revalidateAfterMs` is reloaded in the background when read. Readers never wait for a reload.
 */
export class ChannelDirectory {
  private readonly workspaceUsers: LiveList<Map<string, Teammate>>;
  private readonly channels = new Map<string, LiveList<Set<string>>>();
  private readonly options: DirectoryOptions;
  private readonly membersLoaded: ((channelId: string) => void)[] = [];

  constructor(
    private readonly client: WebClient,
    private readonly logger: DirectoryLogger,
    options: Partial<DirectoryOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...defaults, ...options };
    this.workspaceUsers = new LiveList(() => this.fetchUsers(), now);
  }

  async channelMembers(channelId: string): Promise<Teammate[]> {
    const [memberIds, users] = await Promise.all([
      this.read(this.channel(channelId)),
      this.read(this.workspaceUsers),
    ]);
    const members: Teammate[] = [];
    for (const id of memberIds) {
      const user = users.get(id);
      if (user) members.push(user);
    }
    return members;
  }

  /**
   * Calls `listener` each time a channel's members were loaded from Slack (first use, a reconnect, the age
   * bound): someone may have left while their event was missed.
   */
  onMembersLoaded(listener: (channelId: string) => void): void {
    this.membersLoaded.push(listener);
  }

  /** Loads the channel's members and the workspace's users in the background, unless already loaded. */
  warm(channelId: string): void {
    for (const list of [this.workspaceUsers, this.channel(channelId)]) {
      if (!list.loaded) this.background(list.reload(), channelId);
    }
  }

  /** Reloads everything in the background: after a reconnect, events sent meanwhile may be lost. */
  revalidate(): void {
    this.background(this.workspaceUsers.reload(), "users");
    for (const [channelId, members] of this.channels) {
      if (members.loaded) this.background(members.reload(), channelId);
    }
  }

  memberJoined(channelId: string, userId: string): void {
    this.channels.get(channelId)?.change((members) => members.add(userId));
    // Someone new to the workspace whose team_join was missed: the menu needs their name.
    if (this.workspaceUsers.loaded && !this.workspaceUsers.current?.has(userId))
      this.background(this.lookUp(userId), userId);
  }

  memberLeft(channelId: string, userId: string): void {
    this.channels.get(channelId)?.change((members) => members.delete(userId));
  }

  /** The app left the channel: its members are no longer told to us, so they are not kept. */
  forgetChannel(channelId: string): void {
    this.channels.delete(channelId);
  }

  /** A user changed (name, deactivation, bot flag) or joined the workspace. */
  userChanged(user: SlackUser): void {
    const teammate = toTeammate(user);
    this.workspaceUsers.change((users) => users.set(teammate.id, teammate));
  }

  /** The channel's list, marked most recently used; the least recently used beyond the bound is dropped. */
  private channel(channelId: string): LiveList<Set<string>> {
    let list = this.channels.get(channelId);
    if (list) this.channels.delete(channelId);
    else
      list = new LiveList(
        () => this.fetchMembers(channelId),
        this.now,
        () => {
          for (const listener of this.membersLoaded) listener(channelId);
        },
      );
    this.channels.set(channelId, list);
    for (const oldest of this.channels.keys()) {
      if (this.channels.size <= this.options.maxChannels) break;
      this.channels.delete(oldest);
    }
    return list;
  }

  private read<T>(list: LiveList<T>): Promise<T> {
    if (list.loaded && list.ageMs() >= this.options.revalidateAfterMs) {
      this.background(list.reload(), "revalidation");
    }
    return list.get();
  }

  private background(load: Promise<unknown>, what: string): void {
    load.catch((error: unknown) =>
      this.logger.warn(
        { err: error, component: "directory", what },
        "could not load channel members or users from Slack; the menu keeps what it has and loads again on next use",
      ),
    );
  }

  private async lookUp(userId: string): Promise<void> {
    const { user } = await this.client.users.info({ user: userId });
    if (user?.id) this.userChanged(user as SlackUser);
  }

  private async fetchMembers(channelId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const page of this.client.paginate("conversations.members", {
      channel: channelId,
      limit: this.options.pageSize,
    })) {
      for (const id of (page as { members?: string[] }).members ?? []) ids.add(id);
    }
    return ids;
  }

  private async fetchUsers(): Promise<Map<string, Teammate>> {
    const users = new Map<string, Teammate>();
    for await (const page of this.client.paginate("users.list", { limit: this.options.pageSize })) {
      for (const user of (page as { members?: SlackUser[] }).members ?? [])
        users.set(user.id, toTeammate(user));
    }
    return users;
  }
}

function toTeammate(user: SlackUser): Teammate {
  return {
    id: user.id,
    handle: user.name ?? user.id,
    realName: user.profile?.real_name || user.real_name || "",
    displayName: user.profile?.display_name || "",
    // Slackbot is a bot in every way but this flag.
    isBot: user.is_bot === true || user.id === "USLACKBOT",
    deleted: user.deleted === true,
  };
}
