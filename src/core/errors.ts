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

/**
 * How the delivery queue treats a failure; adapters classify their providers' errors into these, so the core
 * never names a provider's error codes.
 * - `transient`: retry with backoff. `rate_limited`: retry after `retryAfterMs`, not counted against the limit.
 * - `paced`: not attempted at all (our own pacing said wait); try again after `retryAfterMs`.
 * - `destination_unavailable`: the whole destination (a Slack channel) is unusable until someone acts.
 * - `permanent`: record it and tell the agent.
 */
export type FailureCategory =
  | "transient"
  | "rate_limited"
  | "paced"
  | "destination_unavailable"
  | "permanent";

/**
 * A side effect (Slack post, provider send) that failed. `transient` failures are retried by the delivery
 * queue with backoff (honouring `retryAfterMs`); permanent ones are recorded and shown to the agent.
 * `outcomeUnknown`: the request may have taken effect (no answer came back), so a retry looks first.
 */
export class DeliveryError extends AppError {
  readonly category: FailureCategory;
  readonly retryAfterMs: number | undefined;
  readonly outcomeUnknown: boolean;
  /** Short text for the agent, in plain words. */
  readonly reason: string;

  constructor(
    code: string,
    reason: string,
    options: {
      transient: boolean;
      category?: FailureCategory;
      retryAfterMs?: number;
      outcomeUnknown?: boolean;
      cause?: unknown;
    },
  ) {
    super(code, reason, { cause: options.cause });
    this.category = options.category ?? (options.transient ? "transient" : "permanent");
    this.retryAfterMs = options.retryAfterMs;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.reason = reason;
  }

  get transient(): boolean {
    return this.category !== "permanent" && this.category !== "destination_unavailable";
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

/**
 * Why the AI model gave no answer, classified by the model adapter so the core names no SDK's errors. The
 * `reason` is for the person who asked, in plain words; nothing was changed or sent.
 */
export type LanguageModelErrorCode =
  | "AI_TIMEOUT"
  | "AI_UNREACHABLE"
  | "AI_KEY_REFUSED"
  | "AI_MODEL_NOT_FOUND"
  | "AI_RATE_LIMITED"
  | "AI_SERVER_ERROR"
  | "AI_REQUEST_REFUSED"
  | "AI_EMPTY_ANSWER";

export class LanguageModelError extends AppError {
  declare readonly code: LanguageModelErrorCode;

  constructor(
    code: LanguageModelErrorCode,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(code, reason, options);
  }
}
