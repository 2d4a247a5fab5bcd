import { App, LogLevel } from "@slack/bolt";
import type { SlackSimulator } from "../../src/simulators/slack/simulator.js";

/** A bare Bolt app in Socket Mode against the Slack simulator: its Web API calls go there, no retries. */
export function boltAppOn(fake: SlackSimulator): App {
  return new App({
    token: fake.botToken,
    appToken: fake.appToken,
    socketMode: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
  });
}
