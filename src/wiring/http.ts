// The two HTTP servers: webhooks, media, transcripts and health on PORT; Prometheus metrics on METRICS_PORT.
import type { ChannelModule } from "../channels/types.js";
import type { Conversations } from "../core/conversations.js";
import type { ChannelKind } from "../core/model.js";
import { registerHealth } from "../http/health.js";
import { registerMedia } from "../http/media.js";
import { createMetricsServer } from "../http/metrics.js";
import { createHttpServer, defaultHttpTimeouts, type HttpTimeouts } from "../http/server.js";
import { loadAttachment, registerTranscriptAttachments } from "../http/transcript/attachments.js";
import { registerTranscript } from "../http/transcript/route.js";
import type { TranscriptSigner } from "../http/transcript/signing.js";
import { loadTranscript } from "../http/transcript/view.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CoreParts } from "./core-parts.js";

export function createWebServers(
  { config, database, slack, channels, logger, now }: CoreParts,
  parts: {
    readonly modules: Record<ChannelKind, ChannelModule>;
    readonly conversations: Conversations;
    readonly transcripts: TranscriptSigner;
    readonly metrics: Metrics;
    readonly slackConnected: () => boolean;
    readonly timeouts: Partial<HttpTimeouts> | undefined;
  },
) {
  const { store, customerView } = database;
  const { conversations, transcripts } = parts;
  const http = createHttpServer(logger, { ...defaultHttpTimeouts, ...parts.timeouts }, config.trustProxy);
  const isRecorded = async (kind: ChannelKind, providerMessageId: string) =>
    (await store.messageByProviderId(kind, providerMessageId)) !== null;
  for (const module of Object.values(parts.modules)) {
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
  const metricsServer = createMetricsServer(parts.metrics.registry, logger);
  registerHealth(
    http,
    {
      database: () => store.ping(),
      databaseWritable: () => database.probeWrite(),
      slackConnected: parts.slackConnected,
    },
    (reason, error) => logger.warn({ err: error }, `health check: ${reason}`),
  );
  return { http, metricsServer };
}
