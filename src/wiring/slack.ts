// The SlackPort the core uses: the gateway over Bolt's client, paced per channel, with its channel directory.
import type { Config } from "../config.js";
import type { PostPacing } from "../core/ports/pacing.js";
import type { SlackPort } from "../core/ports/slack.js";
import type { Logger } from "../logger.js";
import { meteredSlack } from "../metrics/instrument.js";
import type { Metrics } from "../metrics/metrics.js";
import type { SlackApp } from "../slack/bolt.js";
import { ChannelDirectory } from "../slack/directory.js";
import { SlackGateway } from "../slack/gateway.js";
import { ChannelPacer, type PaceRule, slackPostPace } from "../slack/pacer.js";

export function createSlackPort(
  config: Config,
  slackApp: SlackApp,
  parts: {
    readonly pacing: PostPacing;
    readonly pace: PaceRule | undefined;
    readonly metrics: Metrics;
    readonly logger: Logger;
  },
): { readonly directory: ChannelDirectory; readonly slack: SlackPort } {
  const directory = new ChannelDirectory(slackApp.app.client, parts.logger.child({ component: "directory" }));
  slackApp.onReconnected(() => directory.revalidate());
  const slack = meteredSlack(
    new SlackGateway(
      slackApp.app.client,
      directory,
      Date.now,
      new ChannelPacer(parts.pacing, parts.pace ?? slackPostPace),
      undefined,
      { ai: config.ai !== null },
    ),
    parts.metrics,
  );
  return { directory, slack };
}
