import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { WebClientOptions } from "@slack/web-api";
import { Activity, whenQuiet } from "./activity.js";
import { type AiOverrides, createAssistant } from "./ai/assistant-wiring.js";
import {
  channelDefinitions,
  channelRegistry,
  channelSecretPaths,
  createChannelModules,
} from "./channels/registry.js";
import type { ChannelOverrides } from "./channels/types.js";
import { type Config, parseConfig } from "./config.js";
import { AssigneesInChannel } from "./core/assignees-in-channel.js";
import { SlashCommands } from "./core/commands.js";
import type { AppHomeOptions } from "./core/home.js";
import { defaultHousekeeping, Housekeeping, type HousekeepingOptions } from "./core/housekeeping.js";
import { InboxPolicy } from "./core/inbox-policy.js";
import { customerLane, slackLane } from "./core/lane-names.js";
import { ChannelMembership } from "./core/membership.js";
import type { WorkflowStepOptions } from "./core/workflow-steps.js";
import { createDatabase } from "./db/open.js";
import { closeServer, listenOn } from "./http/metrics.js";
import { listenNamed } from "./http/port-unavailable.js";
import { closeWithDeadline, type HttpTimeouts } from "./http/server.js";
import { TranscriptSigner } from "./http/transcript/signing.js";
import { instanceId } from "./instance.js";
import { createLogger, type Logger, type LogLevel } from "./logger.js";
import { aiMetrics } from "./metrics/ai.js";
import { MeteredConversations, meteredChannels } from "./metrics/instrument.js";
import { Metrics } from "./metrics/metrics.js";
import { createSlackApp } from "./slack/bolt.js";
import type { PaceRule } from "./slack/pacer.js";
import { wireConversationActions } from "./wiring/conversation-actions.js";
import type { CoreParts } from "./wiring/core-parts.js";
import { createDeliveryWorker, type DeliveryOverrides } from "./wiring/delivery.js";
import { createAppHome } from "./wiring/home.js";
import { createWebServers } from "./wiring/http.js";
import { assignWhenCustomersWrite, wireOperations } from "./wiring/operations.js";
import { wireOutbound } from "./wiring/outbound.js";
import { createSlackPort } from "./wiring/slack.js";
import { wireSlackListeners } from "./wiring/slack-listeners.js";

export interface AppOverrides extends ChannelOverrides {
  readonly logger?: Logger;
  readonly slackClientOptions?: WebClientOptions;
  /** How fast posts go to one Slack channel (Slack's documented pace by default). */
  readonly slackPace?: PaceRule;
  /** How long /media links to agents' files work (a day by default). */
  readonly mediaTtlMs?: number;
  readonly delivery?: DeliveryOverrides;
  /** The clock (epoch ms) of the delivery worker, its handlers, reminders and App Home; tests move it. */
  readonly now?: () => number;
  /** How App Home lists conversations and how long after opening it a person's home is kept current. */
  readonly home?: Partial<AppHomeOptions>;
  /** How often expired files and, with RETENTION_DAYS, old closed conversations are deleted. */
  readonly housekeeping?: Partial<Pick<HousekeepingOptions, "intervalMs" | "batchSize">>;
  /** The AI model's timeout and the per-person rate limit (tests shorten them). */
  readonly ai?: AiOverrides;
  /** Least time between two edits of a campaign's progress message (3 s by default). */
  readonly campaignProgressEveryMs?: number;
  /** How long the Workflow Builder send step waits for its thread (tests shorten it). */
  readonly workflowSteps?: WorkflowStepOptions;
  /** The webhook receiver's timeouts, and how long stop() waits for requests in flight before cutting them. */
  readonly http?: Partial<HttpTimeouts> & { readonly shutdownGraceMs?: number };
}

export interface ThreadlineApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The port the webhook receiver listens on (known after start; useful with PORT=0). */
  readonly httpPort: number;
  /** The port `GET /metrics` is served on (known after start; useful with METRICS_PORT=0). */
  readonly metricsPort: number;
  /**
   * Resolves once the app has settled: no Slack envelope being handled, no App Home being published, no job
   * running or due now. Jobs due later (a retry's backoff, a reminder, a nudge) do not count. For tests and
   * tools that must know that nothing more will happen before they look.
   */
  idle(): Promise<void>;
}

/** Long enough for a webhook to commit, short enough that a stalled client never holds a restart. */
const shutdownGraceMs = 10_000;

/** The configuration from the environment, with every registered channel's variables. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  return parseConfig(environment, channelDefinitions);
}

/** The logger, redacting every registered channel's secrets. */
export function appLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return createLogger(level, { secretPaths: channelSecretPaths(), ...(destination && { destination }) });
}

/**
 * The composition root: builds every part and wires them together. It does no I/O until start(), so tests
 * can build several apps, and the entrypoint stays a few lines.
 */
export function createApp(config: Config, overrides: AppOverrides = {}): ThreadlineApp {
  // Configuration and the database.
  const logger = overrides.logger ?? appLogger(config.logLevel);
  const now = overrides.now ?? Date.now;
  const owner = instanceId();
  const database = createDatabase(config.databaseUrl, {
    instance: owner,
    lanesOf: (id) => [slackLane(id), customerLane(id)],
    onError: (error) => logger.warn({ err: error }, "database connection error outside a request"),
  });
  const { store, queue, autoAssignments } = database;

  const activity = new Activity();
  const slackApp = createSlackApp(config, logger, activity, overrides.slackClientOptions);
  const metrics = new Metrics({
    queueStats: () => queue.stats(),
    heldMessages: () => store.heldMessageCount(),
    socketState: () => slackApp.connectionState(),
  });

  // The customer channels.
  const modules = createChannelModules(config, overrides, store);
  const channels = meteredChannels(channelRegistry(modules), metrics);

  // Slack.
  const { directory, slack } = createSlackPort(config, slackApp, {
    pacing: database.pacing,
    pace: overrides.slackPace,
    metrics,
    logger,
  });

  // Core services.
  const transcripts = new TranscriptSigner(config.publicUrl);
  const membership = new ChannelMembership(slack, logger.child({ component: "membership" }));
  const home = createAppHome(
    { config, database, slack, channels, membership, logger, now },
    activity,
    overrides.home,
  );
  const core: CoreParts = { config, database, slack, channels, membership, home, logger, now };
  const assignees = new AssigneesInChannel(
    store,
    membership,
    logger.child({ component: "assignees" }),
    (userIds) => home.refresh(userIds),
  );
  directory.onMembersLoaded((channelId) => assignees.checkSoon(channelId, "members reloaded"));
  const operations = wireOperations(core);
  const inboxPolicy = new InboxPolicy(config.admins);
  const outbound = wireOutbound(core, inboxPolicy, overrides.campaignProgressEveryMs);
  const conversations = new MeteredConversations(
    metrics,
    store,
    channels,
    logger.child({ component: "conversations" }),
    now,
    { savedReplies: outbound.savedReplies, scheduled: outbound.scheduledSends, tagging: outbound.tagging },
    database.satisfaction,
  );
  const ai = createAssistant(
    config,
    {
      store,
      channels,
      client: slackApp.app.client,
      conversations,
      logger: logger.child({ component: "ai" }),
      observe: aiMetrics(metrics.registry),
      now,
    },
    overrides.ai,
  );
  const actions = wireConversationActions(core, activity, ai, operations.surveys);
  assignWhenCustomersWrite(conversations, operations.autoAssigner, activity, core);
  const commands = new SlashCommands(store, slack, channels, logger.child({ component: "commands" }), {
    policy: inboxPolicy,
    autoAssignments,
    satisfaction: database.satisfaction,
    reports: { channel: operations.channelReports, daily: operations.dailyReports },
    pauseChanged: (userId) => home.refresh([userId]),
    now,
    membership,
    savedReplies: outbound.savedReplies,
    starting: config.starting,
    inboxArrived: (channelId) => assignees.checkSoon(channelId, "inbox connected"),
    campaigns: outbound.campaignCommands,
  });

  // Listeners.
  wireSlackListeners(
    slackApp.app,
    core,
    {
      conversations,
      commands,
      actions,
      assignees,
      directory,
      scheduledSends: outbound.scheduledSends,
      savedReplyForm: outbound.savedReplyForm,
      ai,
    },
    transcripts,
    overrides.workflowSteps,
  );

  // HTTP.
  const { http, metricsServer } = createWebServers(core, {
    modules,
    conversations,
    transcripts,
    metrics,
    slackConnected: () => slackApp.connectionState() === "connected",
    timeouts: overrides.http,
  });

  // The worker, and housekeeping beside it.
  const worker = createDeliveryWorker(core, {
    owner,
    metrics,
    transcripts,
    campaigns: outbound.campaignJobs,
    dailyReport: (channelId, time, jobId) => operations.dailyReports.post(channelId, time, jobId),
    mediaTtlMs: overrides.mediaTtlMs,
    overrides: overrides.delivery,
  });
  const housekeeping = new Housekeeping(
    store,
    logger.child({ component: "housekeeping" }),
    { ...defaultHousekeeping, retentionDays: config.retentionDays, ...overrides.housekeeping },
    now,
    () => database.campaigns.forgetOrphans(),
  );

  let httpPort = config.port;
  let metricsPort = config.metrics.port;
  let started = false;

  return {
    get httpPort() {
      return httpPort;
    },

    get metricsPort() {
      return metricsPort;
    },

    async start() {
      const began = performance.now();
      await database.open(logger);
      // Generated once per database when not configured, so links survive restarts.
      transcripts.useSecret(
        config.transcriptSecret ??
          (await database.settingOrCreate("transcript.secret", () => randomBytes(32).toString("base64url"))),
      );
      const httpAt = { port: config.port, host: config.host, portVariable: "PORT", hostVariable: "HOST" };
      await listenNamed(httpAt, () => http.listen({ port: httpAt.port, host: httpAt.host }));
      httpPort = (http.server.address() as AddressInfo).port;
      started = true;
      const { port, host } = config.metrics;
      metricsPort = await listenNamed(
        { port, host, portVariable: "METRICS_PORT", hostVariable: "METRICS_HOST", after: httpAt },
        () => listenOn(metricsServer, port, host),
      );
      await worker.start();
      await commands.resumeCampaigns();
      housekeeping.start();
      await slackApp.connect();
      const enabled = Object.values(channels)
        .filter((c) => c.enabled)
        .map((c) => c.kind);
      logger.info(
        { port: httpPort, metricsPort, channels: enabled, startupMs: Math.round(performance.now() - began) },
        "Threadline is connected to Slack (Socket Mode) and listening for webhooks",
      );
      // In the background: the first assignment menu of each connected channel then answers from memory.
      store.connectedChannelIds().then(
        (channelIds) => {
          for (const channelId of channelIds) slack.warmChannel(channelId);
        },
        (error: unknown) =>
          logger.warn({ err: error }, "could not list connected channels to warm their members"),
      );
    },

    // A stopped app does nothing more: idle.
    idle: () => whenQuiet(() => !started || (!activity.busy && worker.idle)),

    async stop() {
      if (!started) return;
      started = false;
      // Stop taking new work first, then finish what is in flight; queued work stays in the database.
      await closeWithDeadline(http, overrides.http?.shutdownGraceMs ?? shutdownGraceMs, logger);
      await closeServer(metricsServer);
      await slackApp.app
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, "Slack connection did not close cleanly"));
      await housekeeping.stop();
      await worker.stop();
      await database.close();
      logger.info("Threadline stopped");
    },
  };
}
