/**
 * Every error Threadline raises on purpose carries a stable `code` (for logs, metrics and tests) and,
 * when it wraps another failure, that failure as `cause`. Edges catch them and log with context.
 */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("CONFIG_INVALID", `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * A side effect (Slack post, provider send) that failed. `transient` failures are retried by the delivery
 * queue with backoff (honouring `retryAfterMs`); permanent ones are recorded and shown to the agent.
 */
export class DeliveryError extends AppError {
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;
  /** Short text for the agent, in plain words. */
  readonly reason: string;

  constructor(
    code: string,
    reason: string,
    options: { transient: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, reason, { cause: options.cause });
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs;
    this.reason = reason;
  }
}

/**
 * A job cannot run until something outside it changes (e.g. an inbox gets a Slack channel). `stillBlocked`
 * is asked again once the job is parked: the change may have landed while the job was deciding to park.
 */
export class JobParked extends AppError {
  constructor(
    reason: string,
    readonly stillBlocked: () => Promise<boolean>,
  ) {
    super("JOB_PARKED", reason);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
