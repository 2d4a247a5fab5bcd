import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { appLogger, createApp, loadConfig, type ThreadlineApp } from "../app.js";
import type { LogLevel } from "../logger.js";
import type { LocalServer } from "../simulators/http.js";
import { GraphSimulator } from "../simulators/meta/simulator.js";
import { OpenAiSimulator } from "../simulators/openai/simulator.js";
import { SlackSimulator } from "../simulators/slack/simulator.js";
import { TwilioSimulator } from "../simulators/twilio/simulator.js";
import {
  customers,
  inboxNumber,
  instagramAccount,
  instagramProfiles,
  supportChannel,
  teammates,
} from "./cast.js";
import { DemoDriver } from "./driver.js";
import { startDemoServer } from "./server.js";
import { demoSiteName } from "./site-page.js";

export interface DemoOptions {
  /** Where the page is served; 0 picks a free port. */
  readonly port: number;
  readonly logLevel?: LogLevel;
}

export interface Demo {
  /** The page, e.g. http://localhost:4321 */
  readonly url: string;
  /** Where the app's webhook receiver listens: loopback only. */
  readonly appUrl: string;
  stop(): Promise<void>;
}

/**
 * The real Threadline (createApp: Bolt over a WebSocket, the twilio SDK, a SQLite file in a temporary folder)
 * against the Slack, Twilio and Graph simulators (customers text by SMS, or write on Instagram), and a page
 * that drives them. The demo's server is also the public
 * URL the app believes it has, so transcript links and MMS media links open in the browser.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  // Secrets of this run only: the simulators' fixed test tokens would let anyone who knows them sign webhooks.
  const secret = () => randomBytes(24).toString("base64url");
  const [slack, twilio, model, graph] = await Promise.all([
    SlackSimulator.start({ tokens: { bot: `xoxb-${secret()}`, app: `xapp-${secret()}` } }),
    TwilioSimulator.start({ authToken: secret() }),
    // Drafts and summaries come from a simulated model, named so and marked "[simulated model]" in every answer.
    OpenAiSimulator.start({ model: "simulated-model", apiKey: `sk-${secret()}` }),
    GraphSimulator.start({ accessToken: `EAAG${secret()}` }),
  ]);
  const metaAppSecret = secret();
  for (const teammate of teammates) slack.addUser(teammate);
  // Their carrier's caller-name records, which Twilio Lookup reads: the app learns their names as it would.
  for (const customer of customers) {
    if (customer.channel === "sms") twilio.setCallerName(customer.number, customer.name);
  }
  // Instagram's side: the account linked to the Page, and what its profile API says of the customers.
  graph.instagram = { ...instagramAccount };
  for (const [igsid, profile] of Object.entries(instagramProfiles))
    graph.instagramProfiles.set(igsid, profile);
  slack.addChannel({
    ...supportChannel,
    members: [slack.botUserId, ...teammates.map((teammate) => teammate.id)],
  });
  const databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-demo-"));
  const logger = appLogger(options.logLevel ?? "error", process.stderr);
  let app: ThreadlineApp | undefined;
  let server: LocalServer | undefined;
  const appPort = () => app?.httpPort ?? 0;
  const driver = new DemoDriver(
    { slack, twilio, graph, metaAppSecret },
    () => `http://127.0.0.1:${appPort()}`,
    logger,
  );
  const stop = async () => {
    driver.stop();
    await app?.stop();
    await server?.close();
    await Promise.all([slack.stop(), twilio.stop(), model.stop(), graph.stop()]);
    fs.rmSync(databaseDir, { recursive: true, force: true });
  };
  try {
    server = await startDemoServer(options.port, driver, appPort, logger);
    driver.publicUrl = `http://localhost:${server.port}`;
    slack.workspaceUrl = driver.publicUrl;
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_URL: twilio.baseUrl,
      TWILIO_CALLER_NAME_LOOKUP: "true",
      MESSENGER_PAGE_ACCESS_TOKEN: graph.accessToken,
      MESSENGER_APP_SECRET: metaAppSecret,
      MESSENGER_VERIFY_TOKEN: secret(),
      GRAPH_API_URL: graph.url,
      // The simulator serves customers' pictures over http on loopback, which only a listed host may use.
      MESSENGER_MEDIA_HOSTS: new URL(graph.url).host,
      PUBLIC_URL: driver.publicUrl,
      // The demo's shop page (/demo/site) embeds the web chat from the page's own origin.
      WEBCHAT_ORIGINS: driver.publicUrl,
      // Only this machine reaches the demo's app; its page's server, on loopback too, checks the Host.
      HOST: "127.0.0.1",
      PORT: "0",
      METRICS_PORT: "0",
      DATABASE_URL: `file:${path.join(databaseDir, "threadline.db")}`,
      AI_BASE_URL: model.baseUrl,
      AI_MODEL: model.model,
      AI_API_KEY: model.apiKey ?? "",
    });
    app = createApp(config, {
      logger,
      // The simulator has no rate limit; Slack's one post per second per channel would make the demo feel slow.
      slackPace: { perSecond: 50, burst: 50 },
    });
    await app.start();
    await slack.waitForConnection();
    await driver.connectInbox(`sms ${inboxNumber}`);
    await driver.connectInbox(`instagram ${instagramAccount.id}`);
    await driver.connectWebchat(demoSiteName);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { url: driver.publicUrl, appUrl: `http://127.0.0.1:${appPort()}`, stop };
}
