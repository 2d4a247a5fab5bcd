// People's names, avatars and time zones from Slack, names cached a while: they are shown on every reply.
import type { WebClient } from "@slack/web-api";

const userNameTtlMs = 10 * 60_000;

/** The name given to someone Slack could not tell us about. */
export const unknownTeammate = "a teammate";

export class UserProfiles {
  private readonly userNames = new Map<string, { name: string; avatarUrl: string | null; expires: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly now: () => number,
    /** Names kept at most, the least recently fetched dropped first: one per person who ever replied otherwise. */
    private readonly maxCachedNames: number,
  ) {}

  async profile(userId: string): Promise<{ name: string; avatarUrl: string | null }> {
    const cached = this.userNames.get(userId);
    if (cached && cached.expires > this.now()) return cached;
    try {
      const { user } = await this.client.users.info({ user: userId });
      const name =
        user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || userId;
      const avatarUrl = user?.profile?.image_72 || user?.profile?.image_48 || null;
      this.userNames.delete(userId);
      this.userNames.set(userId, { name, avatarUrl, expires: this.now() + userNameTtlMs });
      const oldest = this.userNames.keys().next().value;
      if (this.userNames.size > this.maxCachedNames && oldest !== undefined) this.userNames.delete(oldest);
      return { name, avatarUrl };
    } catch {
      // A name is a courtesy in the customer's text; an unknown one must not hold the reply back.
      return cached ?? { name: unknownTeammate, avatarUrl: null };
    }
  }

  async timeZone(userId: string): Promise<string | null> {
    try {
      const { user } = await this.client.users.info({ user: userId });
      return user?.tz || null;
    } catch {
      // The caller falls back to UTC and says so.
      return null;
    }
  }
}
