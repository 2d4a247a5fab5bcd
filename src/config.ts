import { z } from "zod";
import type { ChannelConfigs, ChannelDefinitions } from "./channels/registry.js";
import type { ChannelDefinition } from "./channels/types.js";
import type { ChannelKind } from "./core/model.js";
import type { StartLimits } from "./core/start-limits.js";
import { httpUrl, optional, withDefault } from "./env-schema.js";
import { ConfigError } from "./errors.js";
import type { LogLevel } from "./logger.js";
import { parseTrustProxy, type TrustProxy } from "./net/trust-proxy.js";

/** Each channel's configuration sits under its kind (`config.<kind>`): null when its credentials are absent. */
export interface Config extends ChannelConfigs {
  readonly slack: { readonly botToken: string; readonly appToken: string; readonly apiUrl: string };
  /** Base URL of the webhook receiver as the providers call it, without a trailing slash. */
  readonly publicUrl: string;
  /** The interface the webhook receiver listens on: all of them (0.0.0.0) unless set, e.g. 127.0.0.1 behind a proxy. */
  readonly host: string;
  readonly port: number;
  /** Where Prometheus scrapes `GET /metrics`: its own listener, never the public webhook port. */
  readonly metrics: { readonly host: string; readonly port: number };
  readonly databaseUrl: string;
  readonly logLevel: LogLevel;
  /** Signs transcript links; null means a secret generated once and kept in the database. */
  readonly transcriptSecret: string | null;
  /** Slack user ids who alone may connect, disconnect and move inboxes; empty means anyone in the channel. */
  readonly admins: readonly string[];
  /** Proxies whose X-Forwarded-For is believed for a request's address; false: none, the peer is the client. */
  readonly trustProxy: TrustProxy;
  /** Conversations closed longer ago than this many days are purged; null keeps them. */
  readonly retentionDays: number | null;
  /** Who may text customers first from Slack (`/threadline text`), where, and how often. */
  readonly starting: StartLimits;
  /** Campaign messages per second per sending number (the provider's pace). */
  readonly campaignRatePerSecond: number;
  /** The OpenAI-compatible model that drafts replies and summaries; null: no AI control anywhere. */
  readonly ai: AiConfig | null;
}

export interface AiConfig {
  /** Any OpenAI-compatible API (`https://api.openai.com/v1`, Ollama's `http://localhost:11434/v1`…). */
  readonly baseUrl: string;
  /** Null for local servers that take none; it is sent to `baseUrl` and nowhere else. */
  readonly apiKey: string | null;
  readonly model: string;
  /** Phone numbers and e-mail addresses are replaced with placeholders in what is sent (`AI_REDACT=on`). */
  readonly redact: boolean;
}

const slackUserIds = z
  .string()
  .regex(/^[UW][A-Z0-9]+(\s*,\s*[UW][A-Z0-9]+)*$/, "must be Slack user ids (U…) separated by commas")
  .transform((list) => list.split(",").map((id) => id.trim()));

/* Limits on starting conversations from Slack (issue 21): who and how many an hour; to which countries is the
 * phone channels' own variable (channels/twilio/config.ts). */
const startLimitsSchema = {
  THREADLINE_SENDERS: optional.pipe(slackUserIds.optional()),
  TEXT_LIMIT_PER_HOUR: withDefault(
    z.coerce
      .number({ error: "must be a whole number of conversations per hour" })
      .int("must be a whole number of conversations per hour")
      .min(1, "must be at least 1"),
    "20",
  ),
  CAMPAIGN_RATE_PER_SECOND: withDefault(
    z.coerce
      .number({ error: "must be a number of messages per second" })
      .positive("must be more than 0 messages per second")
      .max(1000, "must be at most 1000 messages per second"),
    "1",
  ),
};

/* The AI model (drafts and summaries): all unset is no AI; the base URL and the model go together. */
const aiSchema = {
  AI_BASE_URL: optional.pipe(httpUrl("none").optional()),
  AI_API_KEY: optional,
  AI_MODEL: optional,
  AI_REDACT: optional.pipe(z.enum(["on", "off"], { error: "must be on or off" }).optional()),
};

function halfConfiguredAi(environment: NodeJS.ProcessEnv): string[] {
  const given = (name: string) => (environment[name] ?? "").trim() !== "";
  if (given("AI_BASE_URL") === given("AI_MODEL")) {
    if (given("AI_BASE_URL")) return [];
    return ["AI_API_KEY", "AI_REDACT"].filter(given).map((name) => `${name} needs AI_BASE_URL and AI_MODEL`);
  }
  return given("AI_BASE_URL")
    ? ["AI_MODEL is required when AI_BASE_URL is set (the model's name, e.g. gpt-4o-mini or llama3.1)"]
    : ["AI_BASE_URL is required when AI_MODEL is set (the API's address, e.g. http://localhost:11434/v1)"];
}

const portNumber = z.coerce
  .number({ error: "must be a port number" })
  .int()
  .min(0)
  .max(65535, "must be a port number");

const environmentSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: "is required" })
    .regex(/^xoxb-\S+$/, "must be a bot token starting with xoxb-"),
  SLACK_APP_TOKEN: z
    .string({ error: "is required" })
    .regex(/^xapp-\S+$/, "must be an app-level token starting with xapp-"),
  SLACK_API_URL: withDefault(httpUrl("trailing"), "https://slack.com/api/"),
  PUBLIC_URL: z.string({ error: "is required" }).pipe(httpUrl("none")),
  HOST: withDefault(z.string().trim().min(1), "0.0.0.0"),
  PORT: withDefault(portNumber, "3000"),
  METRICS_PORT: withDefault(portNumber, "9464"),
  METRICS_HOST: withDefault(z.string().trim().min(1), "127.0.0.1"),
  DATABASE_URL: withDefault(
    z
      .string()
      .regex(
        /^(file:.+|postgres(ql)?:\/\/.+)/,
        "must be a SQLite file: URL such as file:./data/threadline.db or a postgresql://user:password@host:5432/db URL",
      ),
    "file:./data/threadline.db",
  ),
  LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error"]), "info"),
  TRANSCRIPT_SECRET: optional.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  THREADLINE_ADMINS: optional.pipe(slackUserIds.optional()),
  ...startLimitsSchema,
  ...aiSchema,
  TRUST_PROXY: optional.pipe(
    z
      .string()
      .transform((text, context): TrustProxy => {
        const parsed = parseTrustProxy(text);
        if (typeof parsed === "object" && "problem" in parsed) {
          context.addIssue({ code: "custom", message: parsed.problem });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
  ),
  RETENTION_DAYS: optional.pipe(
    z.coerce
      .number<string | undefined>({ error: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(1, "must be at least 1 day (leave it unset to keep conversations)")
      .max(36_500, "must be at most 36500 days (leave it unset to keep conversations)")
      .optional(),
  ),
});

type Definitions = readonly (readonly [ChannelKind, ChannelDefinition<unknown>])[];

/** Each channel's variables, from its folder (channels sharing a provider share its variables). */
function channelEnvironmentSchema(definitions: Definitions) {
  return z.object(
    Object.assign({}, ...definitions.map(([, definition]) => definition.environment)) as z.ZodRawShape,
  );
}

/** A channel needs all of its variables or none: half a configuration is a mistake worth naming (once). */
function halfConfiguredChannels(environment: NodeJS.ProcessEnv, definitions: Definitions): string[] {
  const problems = definitions.flatMap(([, { enabledBy }]) => {
    const present = enabledBy.filter((name) => (environment[name] ?? "").trim() !== "");
    if (present.length === 0) return [];
    return enabledBy
      .filter((name) => !present.includes(name))
      .map((name) => `${name} is required when ${present.join(", ")} is set`);
  });
  return [...new Set(problems)];
}

/**
 * Parses the environment once into a frozen Config, or throws ConfigError naming every bad variable. The
 * channels' own variables come with their definitions, which the composition root hands in (src/app.ts).
 */
export function parseConfig(environment: NodeJS.ProcessEnv, channelsByKind: ChannelDefinitions): Config {
  const definitions = Object.entries(channelsByKind) as [ChannelKind, ChannelDefinition<unknown>][];
  const parsed = environmentSchema.safeParse(environment);
  const channelsParsed = channelEnvironmentSchema(definitions).safeParse(environment);
  const problems = [
    ...[parsed, channelsParsed].flatMap((result) =>
      result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`),
    ),
    ...halfConfiguredChannels(environment, definitions),
    ...halfConfiguredAi(environment),
  ];
  if (!parsed.success || !channelsParsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const channelEnvironment = channelsParsed.data;
  const channels = Object.fromEntries(
    definitions.map(([kind, definition]) => [kind, definition.config(channelEnvironment)]),
  ) as ChannelConfigs;

  return Object.freeze({
    slack: Object.freeze({
      botToken: env.SLACK_BOT_TOKEN,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    }),
    ...channels,
    publicUrl: env.PUBLIC_URL,
    host: env.HOST,
    port: env.PORT,
    metrics: Object.freeze({ host: env.METRICS_HOST, port: env.METRICS_PORT }),
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    transcriptSecret: env.TRANSCRIPT_SECRET ?? null,
    admins: Object.freeze([...new Set(env.THREADLINE_ADMINS ?? [])]),
    trustProxy: env.TRUST_PROXY ?? false,
    retentionDays: env.RETENTION_DAYS ?? null,
    starting: Object.freeze({
      senders: Object.freeze([...new Set(env.THREADLINE_SENDERS ?? [])]),
      perHour: env.TEXT_LIMIT_PER_HOUR,
    }),
    ai:
      env.AI_BASE_URL && env.AI_MODEL
        ? Object.freeze({
            baseUrl: env.AI_BASE_URL,
            apiKey: env.AI_API_KEY ?? null,
            model: env.AI_MODEL,
            redact: env.AI_REDACT === "on",
          })
        : null,
    campaignRatePerSecond: env.CAMPAIGN_RATE_PER_SECOND,
  });
}
