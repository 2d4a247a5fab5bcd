import { z } from "zod";
import { ConfigError } from "./errors.js";
import { hostEntryProblem, parseHostList } from "./net/host-list.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface SmsConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiUrl: string;
}

export interface MessengerConfig {
  readonly pageAccessToken: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly graphApiUrl: string;
  /** Host patterns customers' files may be downloaded from (src/net/host-list.ts has the matching rules). */
  readonly mediaHosts: readonly string[];
}

export interface Config {
  readonly slack: { readonly botToken: string; readonly appToken: string; readonly apiUrl: string };
  /** null when the channel's credentials are absent: the channel is disabled. */
  readonly sms: SmsConfig | null;
  readonly messenger: MessengerConfig | null;
  /** Base URL of the webhook receiver as Twilio and Meta call it, without a trailing slash. */
  readonly publicUrl: string;
  readonly port: number;
  /** Where Prometheus scrapes `GET /metrics`: its own listener, never the public webhook port. */
  readonly metrics: { readonly host: string; readonly port: number };
  readonly databaseUrl: string;
  readonly logLevel: LogLevel;
  /** Signs transcript links; null means a secret generated once and kept in the database. */
  readonly transcriptSecret: string | null;
  /** Slack user ids who alone may connect, disconnect and move inboxes; empty means anyone in the channel. */
  readonly admins: readonly string[];
}

// Unset and empty are the same thing for an environment variable (`FOO=` in .env).
const optional = z.preprocess((value) => (value === "" ? undefined : value), z.string().trim().optional());

const httpUrl = (withSlash: "trailing" | "none") =>
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((url) => (withSlash === "trailing" ? url.replace(/\/*$/, "/") : url.replace(/\/+$/, "")));

const withDefault = <T extends z.ZodType>(schema: T, fallback: string) =>
  z.preprocess((value) => (value === undefined || value === "" ? fallback : value), schema);

/**
 * Where Messenger serves customers' attachments: Meta's CDNs. Images and videos come from
 * scontent-*.xx.fbcdn.net and video-*.xx.fbcdn.net, audio and files from cdn.fbsbx.com, some assets from
 * lookaside.fbsbx.com.
 */
export const defaultMessengerMediaHosts = "*.fbcdn.net,*.fbsbx.com";

const hostListSchema = z
  .string()
  .transform(parseHostList)
  .superRefine((entries, context) => {
    if (entries.length === 0) context.addIssue({ code: "custom", message: "must name at least one host" });
    for (const entry of entries) {
      const problem = hostEntryProblem(entry);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }
  });

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
  TWILIO_ACCOUNT_SID: optional.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex characters")
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_API_URL: withDefault(httpUrl("none"), "https://api.twilio.com"),
  MESSENGER_PAGE_ACCESS_TOKEN: optional,
  MESSENGER_APP_SECRET: optional,
  MESSENGER_VERIFY_TOKEN: optional,
  GRAPH_API_URL: withDefault(httpUrl("none"), "https://graph.facebook.com/v24.0"),
  MESSENGER_MEDIA_HOSTS: withDefault(hostListSchema, defaultMessengerMediaHosts),
  PUBLIC_URL: z.string({ error: "is required" }).pipe(httpUrl("none")),
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
  THREADLINE_ADMINS: optional.pipe(
    z
      .string()
      .regex(/^[UW][A-Z0-9]+(\s*,\s*[UW][A-Z0-9]+)*$/, "must be Slack user ids (U…) separated by commas")
      .transform((list) => list.split(",").map((id) => id.trim()))
      .optional(),
  ),
});

const channelVariables = {
  sms: ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"],
  messenger: ["MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN"],
} as const;

/** A channel needs all of its variables or none: half a configuration is a mistake worth naming. */
function halfConfiguredChannels(environment: NodeJS.ProcessEnv): string[] {
  return Object.values(channelVariables).flatMap((names) => {
    const present = names.filter((name) => (environment[name] ?? "").trim() !== "");
    if (present.length === 0) return [];
    return names
      .filter((name) => !present.includes(name as (typeof present)[number]))
      .map((name) => `${name} is required when ${present.join(", ")} is set`);
  });
}

const isSet = (value: string | undefined): value is string => value !== undefined;

/** Parses the environment once into a frozen Config, or throws ConfigError naming every bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(environment);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`)),
    ...halfConfiguredChannels(environment),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const sms = { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN };
  const messenger = {
    pageAccessToken: env.MESSENGER_PAGE_ACCESS_TOKEN,
    appSecret: env.MESSENGER_APP_SECRET,
    verifyToken: env.MESSENGER_VERIFY_TOKEN,
  };

  return Object.freeze({
    slack: Object.freeze({
      botToken: env.SLACK_BOT_TOKEN,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    }),
    sms:
      isSet(sms.accountSid) && isSet(sms.authToken)
        ? Object.freeze({ accountSid: sms.accountSid, authToken: sms.authToken, apiUrl: env.TWILIO_API_URL })
        : null,
    messenger:
      isSet(messenger.pageAccessToken) && isSet(messenger.appSecret) && isSet(messenger.verifyToken)
        ? Object.freeze({
            pageAccessToken: messenger.pageAccessToken,
            appSecret: messenger.appSecret,
            verifyToken: messenger.verifyToken,
            graphApiUrl: env.GRAPH_API_URL,
            mediaHosts: Object.freeze(env.MESSENGER_MEDIA_HOSTS),
          })
        : null,
    publicUrl: env.PUBLIC_URL,
    port: env.PORT,
    metrics: Object.freeze({ host: env.METRICS_HOST, port: env.METRICS_PORT }),
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    transcriptSecret: env.TRANSCRIPT_SECRET ?? null,
    admins: Object.freeze([...new Set(env.THREADLINE_ADMINS ?? [])]),
  });
}
