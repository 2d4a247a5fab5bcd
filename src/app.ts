import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { WebClientOptions } from "@slack/web-api";
import { type ChannelOverrides, channelRegistry, createChannelModules } from "./channels/registry.js";
import type { Config } from "./config.js";
import { ConversationActions } from "./core/actions.js";
import { SlashCommands } from "./core/commands.js";
import { type BackoffPolicy, defaultBackoff } from "./core/delivery/backoff.js";
import { deliveryHandlers } from "./core/delivery/handlers.js";
import { DeliveryWorker } from "./core/delivery/worker.js";
import { InboxPolicy } from "./core/inbox-policy.js";
import { createPrismaClient } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { settingOrCreate } from "./db/settings.js";
import { PrismaStore } from "./db/store.js";
import { registerHealth } from "./http/health.js";
import { mediaPath, registerMedia } from "./http/media.js";
import { registerMetrics } from "./http/metrics.js";
import { createHttpServer } from "./http/server.js";
import { registerTranscript } from "./http/transcript/route.js";
import { TranscriptSigner } from "./http/transcript/signing.js";
import { loadTranscript } from "./http/transcript/view.js";
import { createLogger, type Logger } from "./logger.js";
import { MeteredConversations, meteredChannels, meteredSlack } from "./metrics/instrument.js";
import { Metrics } from "./metrics/metrics.js";
import { createSlackApp } from "./slack/bolt.js";
import { ChannelDirectory } from "./slack/directory.js";
import { SlackGateway } from "./slack/gateway.js";
import { registerListeners } from "./slack/listeners/index.js";

export interface AppOverrides extends ChannelOverrides {
  readonly logger?: Logger;
  readonly slackClientOptions?: WebClientOptions;
  /** How long /media links to agents' files work (a day by default). */
  readonly mediaTtlMs?: number;
  readonly delivery?: {
    readonly concurrency?: number;
    readonly idlePollMs?: number;
    readonly backoff?: Partial<BackoffPolicy>;
  };
}

export interface ThreadlineApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The port the webhook receiver listens on (known after start; useful with PORT=0). */
  readonly httpPort: number;
}

/** Long enough for a carrier to fetch an MMS attachment even after retries, short enough not to linger. */
const mediaTtlMs = 24 * 60 * 60 * 1000;

/**
 * The composition root: builds every part and wires them together. It does no I/O until start(), so tests
 * can build several apps, and the entrypoint stays a few lines.
 */
export function createApp(config: Config, overrides: AppOverrides = {}): ThreadlineApp {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const prisma = createPrismaClient(config.databaseUrl);
  const store = new PrismaStore(prisma);
  const slackApp = createSlackApp(config, logger, overrides.slackClientOptions);
  const metrics = new Metrics({
    queueStats: () => store.queueStats(),
    socketState: () => slackApp.connectionState(),
  });
  const slack = meteredSlack(
    new SlackGateway(slackApp.app.client, new ChannelDirectory(slackApp.app.client)),
    metrics,
  );
  const modules = createChannelModules(config, overrides);
  const channels = meteredChannels(channelRegistry(modules), metrics);
  const transcripts = new TranscriptSigner(config.publicUrl);

  const deliveryLogger = logger.child({ component: "delivery" });
  const worker = new DeliveryWorker(
    store,
    deliveryHandlers({
      store,
      slack,
      channels,
      transcripts,
      logger: deliveryLogger,
      mediaUrl: (token) => `${config.publicUrl}${mediaPath(token)}`,
      mediaTtlMs: overrides.mediaTtlMs ?? mediaTtlMs,
    }),
    {
      concurrency: overrides.delivery?.concurrency ?? 16,
      idlePollMs: overrides.delivery?.idlePollMs ?? 1_000,
      backoff: { ...defaultBackoff, ...overrides.delivery?.backoff },
    },
    deliveryLogger,
    metrics.jobObserver,
  );
  const conversations = new MeteredConversations(
    metrics,
    store,
    channels,
    worker.notify,
    logger.child({ component: "conversations" }),
  );
  const actions = new ConversationActions(
    store,
    slack,
    worker.notify,
    logger.child({ component: "actions" }),
  );
  const commands = new SlashCommands(
    store,
    slack,
    channels,
    worker.notify,
    logger.child({ component: "commands" }),
    new InboxPolicy(config.admins),
  );

  registerListeners(slackApp.app, {
    conversations,
    commands,
    actions,
    logger: logger.child({ component: "slack" }),
  });

  const http = createHttpServer(logger);
  for (const module of Object.values(modules)) module.registerWebhooks(http, { conversations, logger });
  registerMedia(http, store, logger);
  registerTranscript(http, {
    signer: transcripts,
    load: (conversationId) => loadTranscript(conversationId, { store, slack, channels }),
    logger,
  });
  registerMetrics(http, metrics.registry);
  registerHealth(http, {
    database: () => store.ping(),
    slackConnected: () => slackApp.connectionState() === "connected",
  });

  let httpPort = config.port;
  let started = false;

  return {
    get httpPort() {
      return httpPort;
    },

    async start() {
      const began = performance.now();
      await migrateDatabase(config.databaseUrl, { logger });
      await prisma.$connect();
      // Generated once per database when not configured, so links survive restarts.
      transcripts.useSecret(
        config.transcriptSecret ??
          (await settingOrCreate(prisma, "transcript.secret", () => randomBytes(32).toString("base64url"))),
      );
      await http.listen({ port: config.port, host: "0.0.0.0" });
      httpPort = (http.server.address() as AddressInfo).port;
      started = true;
      worker.start();
      await slackApp.app.init();
      await slackApp.app.start();
      const enabled = Object.values(channels)
        .filter((c) => c.enabled)
        .map((c) => c.kind);
      logger.info(
        { port: httpPort, channels: enabled, startupMs: Math.round(performance.now() - began) },
        "Threadline is connected to Slack (Socket Mode) and listening for webhooks",
      );
    },

    async stop() {
      if (!started) return;
      started = false;
      // Stop taking new work first, then finish what is in flight; queued work stays in the database.
      await http.close();
      await slackApp.app
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, "Slack connection did not close cleanly"));
      await worker.stop();
      await prisma.$disconnect();
      logger.info("Threadline stopped");
    },
  };
}
