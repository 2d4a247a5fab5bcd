import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobObserver } from "../core/delivery/worker.js";
import type { QueueStats } from "../core/ports/queue.js";
import type { SlackConnectionState } from "../slack/bolt.js";

export interface MetricSources {
  queueStats(): Promise<QueueStats>;
  /** Customer messages held back from Slack until someone runs `/threadline retry`. */
  heldMessages(): Promise<number>;
  socketState(): SlackConnectionState;
}

/** "slack", or the provider a customer channel calls (each channel's definition names it). */
export type ExternalService = string;

const socketStates: readonly SlackConnectionState[] = [
  "connecting",
  "connected",
  "reconnecting",
  "disconnected",
];

/**
 * Prometheus metrics of one app. Each app has its own Registry (never prom-client's global one), so tests can
 * build several apps in one process. Queue and connection gauges are read when Prometheus scrapes.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messages = new Counter({
    name: "threadline_messages_total",
    help: "Customer messages by direction (in: received by webhook, out: sent to the provider), channel and result",
    labelNames: ["direction", "channel", "result"] as const,
    registers: [this.registry],
  });

  readonly externalErrors = new Counter({
    name: "threadline_external_errors_total",
    help: "Failed calls to Slack and the customer channels' providers, by error code",
    labelNames: ["service", "code"] as const,
    registers: [this.registry],
  });

  readonly deliveryJobs = new Counter({
    name: "threadline_delivery_jobs_total",
    help: "Delivery queue attempts by job kind and outcome",
    labelNames: ["kind", "outcome"] as const,
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: "threadline_delivery_latency_seconds",
    help: "From enqueue to done (or given up), per job kind: how long a side effect waited, retries included",
    labelNames: ["kind", "outcome"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  readonly deliveryAttempt = new Histogram({
    name: "threadline_delivery_attempt_seconds",
    help: "Duration of one delivery attempt, per job kind and outcome",
    labelNames: ["kind", "outcome"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });

  readonly firstResponse = new Histogram({
    name: "threadline_first_response_seconds",
    help: "From a customer's first unanswered message to an agent's reply, per inbox (channel kind and address); counted in business hours when the inbox's Slack channel has them",
    labelNames: ["channel", "inbox"] as const,
    buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200],
    registers: [this.registry],
  });

  constructor(
    sources: MetricSources,
    private readonly now: () => number = Date.now,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // A scrape collects every metric at once: both queue gauges share one read of the table.
    let reading: Promise<QueueStats> | null = null;
    const queueStats = () => {
      reading ??= sources.queueStats().finally(() => {
        reading = null;
      });
      return reading;
    };
    new Gauge({
      name: "threadline_delivery_queue_depth",
      help: "Jobs in the delivery queue by state (parked: waiting for an inbox to be connected)",
      labelNames: ["state"] as const,
      registers: [this.registry],
      async collect() {
        const { depth } = await queueStats();
        for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: "threadline_delivery_queue_oldest_age_seconds",
      help: "Age of the oldest pending or parked job; 0 when the queue is empty",
      registers: [this.registry],
      async collect() {
        const { oldestWaitingAt } = await queueStats();
        this.set(oldestWaitingAt ? Math.max(0, (now() - oldestWaitingAt.getTime()) / 1000) : 0);
      },
    });
    new Gauge({
      name: "threadline_held_customer_messages",
      help: "Customer messages held back from Slack (a channel problem, or a post that failed for good) until someone runs /threadline retry",
      registers: [this.registry],
      async collect() {
        this.set(await sources.heldMessages());
      },
    });
    new Gauge({
      name: "threadline_slack_socket_state",
      help: "Socket Mode connection state: 1 for the current state, 0 for the others",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        const current = sources.socketState();
        for (const state of socketStates) this.set({ state }, state === current ? 1 : 0);
      },
    });
  }

  readonly jobObserver: JobObserver = {
    jobFinished: (job, outcome, durationMs) => {
      this.deliveryJobs.inc({ kind: job.kind, outcome });
      this.deliveryAttempt.observe({ kind: job.kind, outcome }, durationMs / 1000);
      if (outcome === "done" || outcome === "failed") {
        this.deliveryLatency.observe(
          { kind: job.kind, outcome },
          (this.now() - job.createdAt.getTime()) / 1000,
        );
      }
    },
  };

  externalError(service: ExternalService, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    this.externalErrors.inc({ service, code: typeof code === "string" ? code : "UNEXPECTED" });
  }
}
