import type { WebClient } from "@slack/web-api";
import type { Teammate } from "../core/assignment.js";

interface Cached<T> {
  value: T;
  fetchedAt: number;
}

export interface DirectoryOptions {
  /** How long a channel's member list or the user list is used without asking Slack again. */
  readonly freshForMs: number;
  /** How long to wait for Slack before answering from a stale cache (Slack allows 3 s for the whole answer). */
  readonly refreshBudgetMs: number;
}

const defaults: DirectoryOptions = { freshForMs: 60_000, refreshBudgetMs: 1_500 };

/**
 * Channel members with names, for the assignment menu, which is asked on every keystroke. Members come
 * from `conversations.members` (all pages) and names from `users.list` (one call per 200 people rather than
 * one `users.info` per member). Both are cached; when a refresh is slow or fails, the stale copy answers and
 * the refresh finishes in the background.
 */
export class ChannelDirectory {
  private readonly members = new Map<string, Cached<string[]>>();
  private users: Cached<Map<string, Teammate>> | undefined;
  private readonly refreshing = new Map<string, Promise<unknown>>();
  private readonly options: DirectoryOptions;

  constructor(
    private readonly client: WebClient,
    options: Partial<DirectoryOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...defaults, ...options };
  }

  async channelMembers(channelId: string): Promise<Teammate[]> {
    const [memberIds, users] = await Promise.all([
      this.cached(`members:${channelId}`, this.members.get(channelId), () => this.fetchMembers(channelId)),
      this.cached("users", this.users, () => this.fetchUsers()),
    ]);
    return memberIds.flatMap((id) => {
      const user = users.get(id);
      return user ? [user] : [];
    });
  }

  private async cached<T>(key: string, entry: Cached<T> | undefined, fetch: () => Promise<T>): Promise<T> {
    if (entry && this.now() - entry.fetchedAt < this.options.freshForMs) return entry.value;
    let refresh = this.refreshing.get(key) as Promise<T> | undefined;
    if (!refresh) {
      refresh = fetch().finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, refresh);
    }
    if (!entry) return refresh;
    refresh.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const stale = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(entry.value), this.options.refreshBudgetMs);
    });
    try {
      return await Promise.race([refresh.catch(() => entry.value), stale]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchMembers(channelId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of this.client.paginate("conversations.members", {
      channel: channelId,
      limit: 200,
    })) {
      ids.push(...((page as { members?: string[] }).members ?? []));
    }
    this.members.set(channelId, { value: ids, fetchedAt: this.now() });
    return ids;
  }

  private async fetchUsers(): Promise<Map<string, Teammate>> {
    const users = new Map<string, Teammate>();
    for await (const page of this.client.paginate("users.list", { limit: 200 })) {
      for (const user of (page as { members?: SlackUser[] }).members ?? [])
        users.set(user.id, toTeammate(user));
    }
    this.users = { value: users, fetchedAt: this.now() };
    return users;
  }
}

interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; real_name?: string };
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
