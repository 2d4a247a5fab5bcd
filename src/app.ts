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
import { ConversationActions } from "./core/actions.js";
import { AssigneesInChannel } from "./core/assignees-in-channel.js";
import { ContactTagging } from "./core/campaigns/tags.js";
import { SlashCommands } from "./core/commands.js";
import { CutOffParents } from "./core/cut-off-parents.js";
import { type BackoffPolicy, defaultBackoff } from "./core/delivery/backoff.js";
import {
  deliveryGiveUps,
  deliveryHandlers,
  type HandlerDependencies,
  holdOnFailure,
} from "./core/delivery/handlers/index.js";
import { DeliveryWorker } from "./core/delivery/worker.js";
import { AppHome, type AppHomeOptions, defaultHomeOptions } from "./core/home.js";
import { defaultHousekeeping, Housekeeping, type HousekeepingOptions } from "./core/housekeeping.js";
import { InboxPolicy } from "./core/inbox-policy.js";
import { customerLane, slackLane } from "./core/lane-names.js";
import { ChannelMembership } from "./core/membership.js";
import type { ChannelKind } from "./core/model.js";
import { AutoAssigner } from "./core/operations/auto-assign.js";
import { DailyReports } from "./core/operations/daily-report.js";
import { ChannelReports } from "./core/operations/report.js";
import { SatisfactionSurveys } from "./core/operations/satisfaction.js";
import { ReactionTriage } from "./core/reaction-triage.js";
import { Reminders } from "./core/reminders.js";
import { SavedReplies, SavedReplyForm } from "./core/saved-replies.js";
import { ScheduledSends } from "./core/scheduled-sends.js";
import { SendAgain } from "./core/send-again.js";
import { ConversationStarter } from "./core/start-conversation.js";
import { StartPolicy } from "./core/start-limits.js";
import { TranscriptAccessPolicy } from "./core/transcript-access.js";
import { type WorkflowStepOptions, WorkflowSteps } from "./core/workflow-steps.js";
import { createDatabase } from "./db/open.js";
import { registerHealth } from "./http/health.js";
import { mediaPath, registerMedia } from "./http/media.js";
import { closeServer, createMetricsServer, listenOn } from "./http/metrics.js";
import { listenNamed } from "./http/port-unavailable.js";
import {
  closeWithDeadline,
  createHttpServer,
  defaultHttpTimeouts,
  type HttpTimeouts,
} from "./http/server.js";
import { loadAttachment, registerTranscriptAttachments } from "./http/transcript/attachments.js";
import { registerTranscript } from "./http/transcript/route.js";
import { TranscriptSigner } from "./http/transcript/signing.js";
import { loadTranscript } from "./http/transcript/view.js";
import { instanceId } from "./instance.js";
import { createLogger, type Logger, type LogLevel } from "./logger.js";
import { aiMetrics } from "./metrics/ai.js";
import { MeteredConversations, meteredChannels, meteredSlack } from "./metrics/instrument.js";
import { Metrics } from "./metrics/metrics.js";
import { createSlackApp } from "./slack/bolt.js";
import { ChannelDirectory } from "./slack/directory.js";
import { SlackGateway } from "./slack/gateway.js";
import { registerListeners } from "./slack/listeners/index.js";
import { ChannelPacer, type PaceRule, slackPostPace } from "./slack/pacer.js";

export interface AppOverrides extends ChannelOverrides {
  readonly logger?: Logger;
  readonly slackClientOptions?: WebClientOptions;
  /** How fast posts go to one Slack channel (Slack's documented pace by default). */
  readonly slackPace?: PaceRule;
  /** How long /media links to agents' files work (a day by default). */
  readonly mediaTtlMs?: number;
  readonly delivery?: {
    readonly concurrency?: number;
    readonly leaseMs?: number;
    readonly sweepMs?: number;
    readonly ownerCheckMs?: number;
    readonly backoff?: Partial<BackoffPolicy>;
    /** How long an uncertain job's look-ups for its earlier attempt may fail before it stops waiting for them. */
    readonly lookupPatienceMs?: number;
  };
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

/** Long enough for a carrier to fetch an MMS attachment even after retries, short enough not to linger. */
const mediaTtlMs = 24 * 60 * 60 * 1000;

/** A campaign's progress message is edited at most this often: its channel keeps its pace for threads. */
const campaignProgressEveryMs = 3_000;

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
  const logger = overrides.logger ?? appLogger(config.logLevel);
  const now = overrides.now ?? Date.now;
  const owner = instanceId();
  const database = createDatabase(config.databaseUrl, {
    instance: owner,
    lanesOf: (id) => [slackLane(id), customerLane(id)],
    onError: (error) => logger.warn({ err: error }, "database connection error outside a request"),
  });
  const { store, queue, pacing, customerView, tags, campaigns, autoAssignments, satisfaction, reports } =
    database;
  const activity = new Activity();
  const slackApp = createSlackApp(config, logger, activity, overrides.slackClientOptions);
  const metrics = new Metrics({
    queueStats: () => queue.stats(),
    heldMessages: () => store.heldMessageCount(),
    socketState: () => slackApp.connectionState(),
  });
  const directory = new ChannelDirectory(slackApp.app.client, logger.child({ component: "directory" }));
  slackApp.onReconnected(() => directory.revalidate());
  const slack = meteredSlack(
    new SlackGateway(
      slackApp.app.client,
      directory,
      Date.now,
      new ChannelPacer(pacing, overrides.slackPace ?? slackPostPace),
      undefined,
      { ai: config.ai !== null },
    ),
    metrics,
  );
  const modules = createChannelModules(config, overrides, store);
  const channels = meteredChannels(channelRegistry(modules), metrics);
  const transcripts = new TranscriptSigner(config.publicUrl);

  const membership = new ChannelMembership(slack, logger.child({ component: "membership" }));
  const home = new AppHome(
    store,
    slack,
    membership,
    channels,
    logger.child({ component: "home" }),
    now,
    { ...defaultHomeOptions, ...overrides.home },
    (publish) => activity.track(publish),
    database.scheduledMessages,
    (userId) => autoAssignments.isPaused(userId),
  );
  const assignees = new AssigneesInChannel(
    store,
    membership,
    logger.child({ component: "assignees" }),
    (userIds) => home.refresh(userIds),
  );
  directory.onMembersLoaded((channelId) => assignees.checkSoon(channelId, "members reloaded"));

  const channelReports = new ChannelReports(reports, store, channels, now);
  const dailyReports = new DailyReports(
    reports,
    channelReports,
    store,
    slack,
    logger.child({ component: "reports" }),
    now,
  );
  const deliveryLogger = logger.child({ component: "delivery" });
  const handlerDependencies: HandlerDependencies = {
    store,
    queue,
    slack,
    channels,
    transcripts,
    logger: deliveryLogger,
    mediaUrl: (token) => `${config.publicUrl}${mediaPath(token)}`,
    mediaTtlMs: overrides.mediaTtlMs ?? mediaTtlMs,
    now,
    reminderSettled: (userId) => home.refresh([userId]),
    scheduledMessages: database.scheduledMessages,
    tags,
    campaigns: {
      store: campaigns,
      pacing,
      ratePerSecond: config.campaignRatePerSecond,
      progressEveryMs: overrides.campaignProgressEveryMs ?? campaignProgressEveryMs,
    },
    dailyReport: (channelId, time, jobId) => dailyReports.post(channelId, time, jobId),
    ...(overrides.delivery?.lookupPatienceMs === undefined
      ? {}
      : { lookupPatienceMs: overrides.delivery.lookupPatienceMs }),
  };
  const worker = new DeliveryWorker(
    queue,
    deliveryHandlers(handlerDependencies),
    {
      concurrency: overrides.delivery?.concurrency ?? 16,
      owner,
      leaseMs: overrides.delivery?.leaseMs ?? 60_000,
      sweepMs: overrides.delivery?.sweepMs ?? 10_000,
      ownerCheckMs: overrides.delivery?.ownerCheckMs,
      holdOnFailure,
      gaveUp: deliveryGiveUps(handlerDependencies),
      backoff: { ...defaultBackoff, ...overrides.delivery?.backoff },
      now,
    },
    deliveryLogger,
    metrics.jobObserver,
  );
  const inboxPolicy = new InboxPolicy(config.admins);
  const savedReplies = new SavedReplies(
    database.snippets,
    slack,
    inboxPolicy,
    membership,
    logger.child({ component: "saved-replies" }),
    now,
  );
  const scheduledSends = new ScheduledSends(
    database.scheduledMessages,
    slack,
    membership,
    logger.child({ component: "scheduled" }),
    now,
    (userId) => home.refresh([userId]),
  );
  const conversations = new MeteredConversations(
    metrics,
    store,
    channels,
    logger.child({ component: "conversations" }),
    now,
    {
      savedReplies,
      scheduled: scheduledSends,
      tagging: new ContactTagging(tags, queue, logger.child({ component: "tags" }), now),
    },
    satisfaction,
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
  const surveys = new SatisfactionSurveys(
    satisfaction,
    store,
    channels,
    logger.child({ component: "satisfaction" }),
    now,
  );
  const actions = new ConversationActions(
    store,
    slack,
    membership,
    logger.child({ component: "actions" }),
    (before, changes) => {
      home.conversationChanged(before, changes);
      const assigneeId = changes.assigneeId;
      if (ai && assigneeId && assigneeId !== before.assigneeId) {
        // In the background, counted so idle() waits for it: the assignment itself is already done.
        activity
          .track(() => ai.assistant.assigned(before.id, assigneeId))
          .catch((error: unknown) =>
            logger.warn({ err: error, conversationId: before.id }, "could not send the assignee a summary"),
          );
      }
    },
    (conversationId) => {
      activity
        .track(() => surveys.conversationClosed(conversationId))
        .catch((error: unknown) =>
          logger.warn({ err: error, conversationId }, "could not send the satisfaction question"),
        );
    },
  );
  const autoAssigner = new AutoAssigner(
    autoAssignments,
    slack,
    logger.child({ component: "autoassign" }),
    (userIds) => home.refresh(userIds),
  );
  conversations.onCustomerWrote((conversationId) => {
    // After the webhook's commit, beside its answer: a failure leaves the conversation for the next message.
    activity
      .track(() => autoAssigner.customerWrote(conversationId))
      .catch((error: unknown) =>
        logger.warn(
          { err: error, conversationId },
          "automatic assignment failed; the next customer message tries again",
        ),
      );
  });
  const commands = new SlashCommands(store, slack, channels, logger.child({ component: "commands" }), {
    policy: inboxPolicy,
    autoAssignments,
    satisfaction,
    reports: { channel: channelReports, daily: dailyReports },
    pauseChanged: (userId) => home.refresh([userId]),
    now,
    membership,
    savedReplies,
    starting: config.starting,
    inboxArrived: (channelId) => assignees.checkSoon(channelId, "inbox connected"),
    campaigns: {
      tags,
      store: campaigns,
      queue,
      settings: {
        senders: config.starting.senders,
        admins: config.admins,
        ratePerSecond: config.campaignRatePerSecond,
      },
    },
  });

  registerListeners(slackApp.app, {
    conversations,
    cutOffParents: new CutOffParents(store, slack, logger.child({ component: "threads" })),
    commands,
    actions,
    assignees,
    transcripts: new TranscriptAccessPolicy(
      store,
      membership,
      transcripts,
      logger.child({ component: "transcript" }),
    ),
    directory,
    home,
    triage: new ReactionTriage(store, membership, actions, logger.child({ component: "triage" })),
    reminders: new Reminders(
      store,
      slack,
      membership,
      logger.child({ component: "reminders" }),
      now,
      (userId) => home.refresh([userId]),
    ),
    sendAgain: new SendAgain(store, membership, logger.child({ component: "actions" })),
    scheduledSends,
    savedReplyForm: new SavedReplyForm(
      savedReplies,
      store,
      database.snippets,
      membership,
      logger.child({ component: "saved-replies" }),
    ),
    ai,
    workflowSteps: new WorkflowSteps(
      new ConversationStarter(
        store,
        channels,
        logger.child({ component: "workflow-steps" }),
        new StartPolicy(config.starting, membership, store, channels),
        now,
      ),
      actions,
      store,
      slack,
      channels,
      logger.child({ component: "workflow-steps" }),
      overrides.workflowSteps,
    ),
    logger: logger.child({ component: "slack" }),
  });

  const http = createHttpServer(logger, { ...defaultHttpTimeouts, ...overrides.http }, config.trustProxy);
  const isRecorded = async (kind: ChannelKind, providerMessageId: string) =>
    (await store.messageByProviderId(kind, providerMessageId)) !== null;
  for (const module of Object.values(modules)) {
    module.registerWebhooks(http, { conversations, isRecorded, logger, now, customerView });
  }
  registerMedia(http, store, logger);
  registerTranscript(http, {
    signer: transcripts,
    load: (conversationId) => loadTranscript(conversationId, { store, slack, channels }),
    logger,
  });
  registerTranscriptAttachments(http, {
    signer: transcripts,
    load: (conversationId, messageId, index) =>
      loadAttachment(conversationId, messageId, index, { store, slack, channels }),
    logger,
  });
  const metricsServer = createMetricsServer(metrics.registry, logger);
  registerHealth(
    http,
    {
      database: () => store.ping(),
      databaseWritable: () => database.probeWrite(),
      slackConnected: () => slackApp.connectionState() === "connected",
    },
    (reason, error) => logger.warn({ err: error }, `health check: ${reason}`),
  );

  const housekeeping = new Housekeeping(
    store,
    logger.child({ component: "housekeeping" }),
    { ...defaultHousekeeping, retentionDays: config.retentionDays, ...overrides.housekeeping },
    now,
    () => campaigns.forgetOrphans(),
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
