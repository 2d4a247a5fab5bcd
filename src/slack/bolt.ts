import { App, type Receiver, type ReceiverEvent, SocketModeReceiver } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { Activity } from "../activity.js";
import type { Config } from "../config.js";
import { boltLogger, type Logger } from "../logger.js";
import { slackConnectFailure } from "./connect-failure.js";

/**
 * Bolt acknowledges an Events API envelope before its listeners run, and Slack never redelivers an
 * acknowledged event: a crash in between would lose an agent's reply. Here the listeners run first (they
 * record the reply in milliseconds) and the envelope is acknowledged after. Should the process die first,
 * or recording fail (the app's error handler rethrows for events), the envelope stays unacknowledged and
 * Slack redelivers it; recording is idempotent. Commands and actions keep Bolt's own ack().
 */
class RecordThenAckReceiver implements Receiver {
  constructor(
    readonly socket: SocketModeReceiver,
    private readonly logger: Logger,
    private readonly activity: Activity,
  ) {}

  init(app: App): void {
    const deferringApp = {
      processEvent: (event: ReceiverEvent) => this.activity.track(() => this.process(app, event)),
    };
    this.socket.init(deferringApp as unknown as App);
  }

  private async process(app: App, event: ReceiverEvent): Promise<void> {
    if (!isEvent(event.body)) return app.processEvent(event);
    try {
      await app.processEvent({ ...event, ack: async () => {} });
    } catch {
      this.logger.warn({ component: "slack" }, "Slack event not acknowledged; Slack will deliver it again");
      return;
    }
    await event.ack();
  }

  start(): Promise<unknown> {
    return this.socket.start();
  }

  stop(): Promise<unknown> {
    return this.socket.stop();
  }
}

const isEvent = (body: unknown) => (body as { type?: string } | undefined)?.type === "event_callback";

export type SlackConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

export interface SlackApp {
  readonly app: App;
  readonly receiver: SocketModeReceiver;
  /** Checks the bot token and opens the socket; a failure is a SlackUnavailable saying what to change. */
  connect(): Promise<void>;
  connectionState(): SlackConnectionState;
  /** Runs `listener` each time the socket connects again after the first time (events may have been missed). */
  onReconnected(listener: () => void): void;
}

/**
 * Bolt in Socket Mode. `SLACK_API_URL` goes to both WebClients: Bolt's (Web API calls) and the Socket Mode
 * client's (`apps.connections.open`). Bolt's own client does not retry: the delivery queue retries durably
 * and must see 429s itself. The socket client keeps its retries so a flaky start still connects.
 */
export function createSlackApp(
  config: Config,
  logger: Logger,
  activity: Activity,
  clientOverrides: WebClientOptions = {},
): SlackApp {
  const log = boltLogger(logger);
  const webClientOptions: WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    ...clientOverrides,
  };
  const receiver = new SocketModeReceiver({
    appToken: config.slack.appToken,
    logger: log,
    installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } },
  });
  const app = new App({
    token: config.slack.botToken,
    receiver: new RecordThenAckReceiver(receiver, logger, activity),
    logger: log,
    clientOptions: webClientOptions,
    deferInitialization: true,
    extendedErrorHandler: true,
  });
  app.error(async ({ error, body }: { error: Error; body: unknown }) => {
    logger.error({ err: error, component: "slack" }, "Slack listener failed");
    if (isEvent(body)) throw error;
  });

  let state: SlackConnectionState = "disconnected";
  const track = (next: SlackConnectionState, level: "info" | "warn") => () => {
    if (state === next) return;
    state = next;
    logger[level]({ component: "slack", state: next }, `Slack Socket Mode ${next}`);
  };
  receiver.client.on("connecting", track("connecting", "info"));
  receiver.client.on("connected", track("connected", "info"));
  receiver.client.on("reconnecting", track("reconnecting", "warn"));
  receiver.client.on("disconnected", track("disconnected", "warn"));

  const reconnectListeners: (() => void)[] = [];
  let connectedBefore = false;
  receiver.client.on("connected", () => {
    if (connectedBefore) for (const listener of reconnectListeners) listener();
    connectedBefore = true;
  });

  return {
    app,
    receiver,
    async connect() {
      // init() asks auth.test with the bot token; start() asks apps.connections.open with the app token.
      await app.init().catch((error: unknown) => {
        throw slackConnectFailure(error, "SLACK_BOT_TOKEN", config.slack.apiUrl);
      });
      await app.start().catch((error: unknown) => {
        throw slackConnectFailure(error, "SLACK_APP_TOKEN", config.slack.apiUrl);
      });
    },
    connectionState: () => state,
    onReconnected: (listener) => reconnectListeners.push(listener),
  };
}
