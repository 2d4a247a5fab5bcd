// Publishing a person's App Home, with links to threads in the workspace's own address.
import type { WebClient } from "@slack/web-api";
import type { HomeView } from "../core/ports/home.js";
import { classifySlackError } from "./errors.js";
import { homeBlocks } from "./home-view.js";

export class HomePublisher {
  private teamUrl: Promise<string> | null = null;

  constructor(private readonly client: WebClient) {}

  async publish(home: HomeView): Promise<void> {
    const view = { type: "home" as const, blocks: homeBlocks(home, await this.workspaceUrl()) };
    try {
      await this.client.views.publish({ user_id: home.userId, view });
    } catch (error) {
      throw classifySlackError(error);
    }
  }

  /** The workspace's address, for links to threads (asked once; Slack's generic address if that fails). */
  private workspaceUrl(): Promise<string> {
    this.teamUrl ??= this.client.auth.test().then(
      (identity) => identity.url ?? "https://slack.com/",
      () => {
        this.teamUrl = null;
        return "https://slack.com/";
      },
    );
    return this.teamUrl;
  }
}
