import type { WebClientOptions } from "@slack/web-api";
import type { ChannelOverrides } from "../channels/types.js";
import type { Config } from "../config.js";
import { SlackProbe } from "../slack/probe.js";
import { readManifest, type SlackManifest } from "../slack/scopes.js";
import { checkAiModel } from "./ai-model.js";
import { checkCustomerChannels } from "./customer-channels.js";
import { checkDatabases, type DatabaseDependencies } from "./database.js";
import { checkPorts } from "./listening-ports.js";
import { checkPublicUrl, checkPublicUrlReaches } from "./public-url.js";
import type { CheckResult } from "./result.js";
import { checkAppToken, checkBotToken, checkChannels, checkScopes } from "./slack.js";

export interface DoctorDependencies extends ChannelOverrides, DatabaseDependencies {
  readonly slackClientOptions?: WebClientOptions;
  readonly manifest?: SlackManifest;
}

/**
 * Checks the configuration and everything external the app depends on, the way the app will use it, and
 * says how to fix each problem. Reads only: nothing is created, posted or sent.
 */
export async function runDoctor(config: Config, deps: DoctorDependencies = {}): Promise<CheckResult[]> {
  const manifest = deps.manifest ?? readManifest();
  const probe = new SlackProbe(config.slack, deps.slackClientOptions);
  // The network checks run together; the database is inspected meanwhile.
  const network = Promise.all([
    checkPublicUrlReaches(config.publicUrl),
    checkPorts({ port: config.port, host: "0.0.0.0" }, config.metrics),
    probe.botIdentity(),
    probe.appToken(),
    checkCustomerChannels(config, deps),
    checkAiModel(config),
  ]);
  const { driver, database, inboxes } = await checkDatabases(config, deps);
  const [reachable, ports, bot, app, customerChannels, aiModel] = await network;
  return [
    checkPublicUrl(config.publicUrl),
    reachable,
    ...ports,
    driver,
    database,
    checkBotToken(bot),
    checkAppToken(app),
    bot.ok
      ? checkScopes(bot.scopes, manifest)
      : { name: "Slack scopes", status: "skip", detail: "needs a valid bot token" },
    ...customerChannels,
    ...aiModel,
    ...(bot.ok
      ? await checkChannels(inboxes, probe)
      : [{ name: "Connected channels", status: "skip" as const, detail: "needs a valid bot token" }]),
  ];
}
