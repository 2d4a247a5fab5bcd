// The parts every feature group is wired from, built first by createApp (src/app.ts).
import type { Config } from "../config.js";
import type { AppHome } from "../core/home.js";
import type { ChannelMembership } from "../core/membership.js";
import type { ChannelRegistry } from "../core/ports/channel.js";
import type { SlackPort } from "../core/ports/slack.js";
import type { AppDatabase } from "../db/database.js";
import type { Logger } from "../logger.js";

export interface CoreParts {
  readonly config: Config;
  readonly database: AppDatabase;
  readonly slack: SlackPort;
  readonly channels: ChannelRegistry;
  readonly membership: ChannelMembership;
  readonly home: AppHome;
  readonly logger: Logger;
  readonly now: () => number;
}
