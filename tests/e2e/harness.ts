import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { type AppOverrides, createApp, loadConfig, type ThreadlineApp } from "../../src/app.js";
import { GraphSimulator } from "../../src/simulators/meta/simulator.js";
import { postWebhook, type WebhookOptions } from "../../src/simulators/meta/wire.js";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";

export { waitFor };

/** What Twilio and Meta believe the receiver's address is; tests reach the app on localhost instead. */
export const publicUrl = "https://threadline.test";
export const supportChannel = "C0SUPPORT";
export const inboxNumber = "+15550001111";
export const customerNumber = "+15557654321";
export const agent = { id: "U0AGENT", name: "ana", realName: "Ana Alves", displayName: "Ana" };
/** The Facebook Page the tests connect, its Meta app credentials, and a customer's page-scoped id. */
export const messenger = {
  pageId: "104857600000001",
  psid: "2400000000003456",
  pageAccessToken: "EAAG-fake-page-token",
  appSecret: "fake-app-secret",
  verifyToken: "fake-verify-token",
} as const;

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Every log line the app wrote, parsed, so tests can assert that bad input was logged. */
export class CapturedLogs {
  readonly lines: LogLine[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim()) this.lines.push(JSON.parse(line));
      done();
    },
  });

  find(message: string | RegExp): LogLine | undefined {
    return this.lines.find((line) =>
      typeof message === "string" ? line.msg === message : message.test(line.msg),
    );
  }
}

export interface HarnessOptions {
  readonly databaseDir?: string;
  readonly overrides?: AppOverrides;
  readonly environment?: Record<string, string>;
}

/**
 * The real app (createApp, real Bolt over a real WebSocket, real HTTP, a real SQLite file) wired to the
 * local fakes. `restart()` builds a fresh app on the same database, as a process restart would.
 */
export class Harness {
  app!: ThreadlineApp;
  readonly logs = new CapturedLogs();

  private constructor(
    readonly slack: SlackSimulator,
    readonly twilio: TwilioSimulator,
    readonly graph: GraphSimulator,
    readonly databaseDir: string,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const [slack, twilio, graph] = await Promise.all([
      SlackSimulator.start(),
      TwilioSimulator.start(),
      GraphSimulator.start({ accessToken: messenger.pageAccessToken }),
    ]);
    slack.addUser({
      id: agent.id,
      name: agent.name,
      realName: agent.realName,
      displayName: agent.displayName,
    });
    slack.addChannel({ id: supportChannel, name: "support", members: [slack.botUserId, agent.id] });
    const databaseDir = options.databaseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "threadline-e2e-"));
    const harness = new Harness(slack, twilio, graph, databaseDir, options);
    await harness.startApp();
    return harness;
  }

  get databaseUrl(): string {
    return `file:${path.join(this.databaseDir, "threadline.db")}`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.app.httpPort}`;
  }

  /** Where Prometheus scrapes: the metrics listener, not the webhook port. */
  get metricsUrl(): string {
    return `http://127.0.0.1:${this.app.metricsPort}/metrics`;
  }

  async startApp(): Promise<void> {
    // A copy of the run's migrated template: the app finds nothing to migrate (a restart keeps its file).
    if (!this.options.environment?.DATABASE_URL) {
      await migratedSqliteFile(path.join(this.databaseDir, "threadline.db"));
    }
    const config = loadConfig({
      SLACK_BOT_TOKEN: this.slack.botToken,
      SLACK_APP_TOKEN: this.slack.appToken,
      SLACK_API_URL: this.slack.apiUrl,
      TWILIO_ACCOUNT_SID: this.twilio.accountSid,
      TWILIO_AUTH_TOKEN: this.twilio.authToken,
      TWILIO_API_URL: this.twilio.baseUrl,
      MESSENGER_PAGE_ACCESS_TOKEN: messenger.pageAccessToken,
      MESSENGER_APP_SECRET: messenger.appSecret,
      MESSENGER_VERIFY_TOKEN: messenger.verifyToken,
      GRAPH_API_URL: this.graph.url,
      // The fake Graph API is also the fake CDN that serves customers' files.
      MESSENGER_MEDIA_HOSTS: new URL(this.graph.url).host,
      PUBLIC_URL: publicUrl,
      PORT: "0",
      METRICS_PORT: "0",
      DATABASE_URL: this.databaseUrl,
      LOG_LEVEL: "debug",
      ...this.options.environment,
    });
    this.app = createApp(config, {
      logger: pino({ level: "debug" }, this.logs.stream),
      // Most tests are about something else than Slack's one post per second per channel; pacing has its own.
      slackPace: { perSecond: 200, burst: 200 },
      delivery: { backoff: { baseDelayMs: 50, maxDelayMs: 400 } },
      ...this.options.overrides,
    });
    await this.app.start();
  }

  /**
   * The app and the fake Slack have settled: the app idle (nothing running or due now) and no envelope awaiting
   * its ack (an echo of the app's own post included). Before asserting that something did not happen. Fails
   * after `timeoutMs` (a job held on purpose never settles: wait for what the test expects instead).
   */
  async idle({ timeoutMs = 10_000 } = {}): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the app did not settle within ${timeoutMs} ms: a job still running or due`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.settled(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async settled(): Promise<void> {
    for (;;) {
      await this.app.idle();
      if (this.slack.envelopesAwaitingAck === 0) return;
      await waitFor(() => this.slack.envelopesAwaitingAck === 0);
    }
  }

  async restart(): Promise<void> {
    await this.app.stop();
    await this.startApp();
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await Promise.all([this.slack.stop(), this.twilio.stop(), this.graph.stop()]);
    fs.rmSync(this.databaseDir, { recursive: true, force: true });
  }

  /** `/threadline <text>` typed by the agent in the support channel; resolves with the ephemeral answer. */
  async command(text: string, channel = supportChannel): Promise<string> {
    const ack = await this.slack.slashCommand({ channel_id: channel, user_id: agent.id, text });
    return String(ack.text ?? "");
  }

  async connectInbox(number = inboxNumber, channel = supportChannel): Promise<void> {
    const answer = await this.command(`connect sms ${number}`, channel);
    if (!answer.startsWith("Connected")) throw new Error(`connect failed: ${answer}`);
  }

  /**
   * `/threadline connect sms <number>` in `channel` while another channel has the number, then a click on the
   * "Move it here" button of the answer. Resolves with the answer that replaced the offer.
   */
  async moveInbox(channel: string, number = inboxNumber, user = agent.id): Promise<string> {
    const offer = await this.slack.slashCommand({
      channel_id: channel,
      user_id: user,
      text: `connect sms ${number}`,
    });
    const shown = this.slack.ephemerals.findLast((e) => e.channel === channel && e.via === "command_ack");
    if (!shown?.blocks) throw new Error(`no move offered: ${String(offer.text)}`);
    const click = this.slack.buildEphemeralButtonClick({
      ephemeral: shown,
      actionId: "threadline.moveInbox",
    });
    await this.slack.blockAction(click);
    return waitFor(() => !shown.blocks && shown.text);
  }

  sms(
    body: string,
    options: {
      from?: string;
      to?: string;
      messageSid?: string;
      media?: { url: string; contentType: string }[];
    } = {},
  ) {
    return this.twilio.sendInbound({
      webhookUrl: `${this.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: options.from ?? customerNumber,
      to: options.to ?? inboxNumber,
      body,
      ...(options.messageSid ? { messageSid: options.messageSid } : {}),
      ...(options.media ? { media: options.media } : {}),
    });
  }

  /** Twilio's status callback for a message the app sent. */
  statusCallback(
    messageSid: string,
    status: "sent" | "delivered" | "undelivered" | "failed",
    errorCode?: number,
  ) {
    return this.twilio.sendStatusCallback({
      webhookUrl: `${this.baseUrl}/webhooks/twilio/status`,
      messageSid,
      status,
      ...(errorCode === undefined ? {} : { errorCode }),
    });
  }

  /** A Messenger webhook POST as Meta makes it: escaped-unicode bytes signed with the App Secret. */
  messengerWebhook(payload: unknown, options: WebhookOptions = { appSecret: messenger.appSecret }) {
    return postWebhook(`${this.baseUrl}/webhooks/messenger`, payload, options);
  }

  /** Parents the app posted in a channel (top-level messages by the bot). */
  parents(channel = supportChannel): StoredMessage[] {
    return this.slack.topLevelMessages(channel).filter((message) => message.user === this.slack.botUserId);
  }

  /** The replies of a thread, without the parent. */
  replies(threadTs: string, channel = supportChannel): StoredMessage[] {
    return this.slack.threadReplies(channel, threadTs).filter((message) => message.ts !== threadTs);
  }

  async waitForParent(channel = supportChannel): Promise<StoredMessage> {
    return waitFor(() => this.parents(channel)[0]);
  }

  /** The agent replies in a thread, as a person typing in Slack. */
  reply(threadTs: string, text: string, channel = supportChannel) {
    return this.slack.userMessage({ channel, user: agent.id, text, thread_ts: threadTs });
  }
}
