import { type Logger as PinoLogger, pino } from "pino";
import { eachChannel } from "./channels/registry.js";
import type { LogLevel } from "./config.js";

export type Logger = PinoLogger;

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
  // Each channel names where its own secrets sit.
  ...new Set(eachChannel().flatMap(([, definition]) => definition.redactPaths)),
];

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { app: "threadline" }, redact: { paths: redactedPaths, censor: "[redacted]" } },
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
