import { type Logger as PinoLogger, pino } from "pino";

export type Logger = PinoLogger;

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Secrets can reach a log line through a logged request or error; pino removes them by path. */
const redactedPaths = [
  "token",
  "*.token",
  "authToken",
  "*.authToken",
  "headers.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "config.slack",
];

export interface LoggerOptions {
  /** More paths to redact: each channel names where its own secrets sit (the composition root passes them). */
  readonly secretPaths?: readonly string[];
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(level: LogLevel, { secretPaths = [], destination }: LoggerOptions = {}): Logger {
  const paths = [...new Set([...redactedPaths, ...secretPaths])];
  return pino(
    { level, base: { app: "threadline" }, redact: { paths, censor: "[redacted]" } },
    destination ?? process.stdout,
  );
}

/**
 * Bolt's debug lines quote whole request bodies and Socket Mode URLs: a parent's signed transcript link, a
 * socket ticket, or a token pasted into a message would be written out verbatim.
 */
const secretsInText: readonly [RegExp, string][] = [
  [/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, "$1-[redacted]"],
  [/([?&](?:sig|ticket)=)[^&"'\s\\]+/g, "$1[redacted]"],
];

export function scrubSecrets(text: string): string {
  return secretsInText.reduce(
    (scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement),
    text,
  );
}

/** Bolt's Logger interface over our pino logger, so Bolt's lines share one stream and format. */
export function boltLogger(logger: Logger) {
  const child = logger.child({ component: "bolt" });
  const join = (parts: unknown[]) =>
    scrubSecrets(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" "));
  return {
    debug: (...parts: unknown[]) => child.debug(join(parts)),
    info: (...parts: unknown[]) => child.info(join(parts)),
    warn: (...parts: unknown[]) => child.warn(join(parts)),
    error: (...parts: unknown[]) => child.error(join(parts)),
    setLevel: () => {},
    getLevel: () => child.level as never,
    setName: () => {},
  };
}
