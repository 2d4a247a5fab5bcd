// The delivery worker: every job that reaches Slack or a customer, retried durably from the database's queue.
import { type BackoffPolicy, defaultBackoff } from "../core/delivery/backoff.js";
import {
  deliveryGiveUps,
  deliveryHandlers,
  type HandlerDependencies,
  holdOnFailure,
} from "../core/delivery/handlers/index.js";
import { DeliveryWorker } from "../core/delivery/worker.js";
import { mediaPath } from "../http/media.js";
import type { TranscriptSigner } from "../http/transcript/signing.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CoreParts } from "./core-parts.js";

export interface DeliveryOverrides {
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly sweepMs?: number;
  readonly ownerCheckMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** How long an uncertain job's look-ups for its earlier attempt may fail before it stops waiting for them. */
  readonly lookupPatienceMs?: number;
}

/** Long enough for a carrier to fetch an MMS attachment even after retries, short enough not to linger. */
const defaultMediaTtlMs = 24 * 60 * 60 * 1000;

export function createDeliveryWorker(
  { config, database, slack, channels, home, logger, now }: CoreParts,
  parts: {
    readonly owner: string;
    readonly metrics: Metrics;
    readonly transcripts: TranscriptSigner;
    readonly campaigns: NonNullable<HandlerDependencies["campaigns"]>;
    readonly dailyReport: NonNullable<HandlerDependencies["dailyReport"]>;
    readonly mediaTtlMs: number | undefined;
    readonly overrides: DeliveryOverrides | undefined;
  },
): DeliveryWorker {
  const { store, queue, scheduledMessages, tags } = database;
  const { overrides } = parts;
  const deliveryLogger = logger.child({ component: "delivery" });
  const handlerDependencies: HandlerDependencies = {
    store,
    queue,
    slack,
    channels,
    transcripts: parts.transcripts,
    logger: deliveryLogger,
    mediaUrl: (token) => `${config.publicUrl}${mediaPath(token)}`,
    mediaTtlMs: parts.mediaTtlMs ?? defaultMediaTtlMs,
    now,
    reminderSettled: (userId) => home.refresh([userId]),
    scheduledMessages,
    tags,
    campaigns: parts.campaigns,
    dailyReport: parts.dailyReport,
    ...(overrides?.lookupPatienceMs === undefined ? {} : { lookupPatienceMs: overrides.lookupPatienceMs }),
  };
  return new DeliveryWorker(
    queue,
    deliveryHandlers(handlerDependencies),
    {
      concurrency: overrides?.concurrency ?? 16,
      owner: parts.owner,
      leaseMs: overrides?.leaseMs ?? 60_000,
      sweepMs: overrides?.sweepMs ?? 10_000,
      ownerCheckMs: overrides?.ownerCheckMs,
      holdOnFailure,
      gaveUp: deliveryGiveUps(handlerDependencies),
      backoff: { ...defaultBackoff, ...overrides?.backoff },
      now,
    },
    deliveryLogger,
    parts.metrics.jobObserver,
  );
}
