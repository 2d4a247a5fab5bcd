import type { WebClientOptions } from "@slack/web-api";
import { eachChannel } from "../channels/registry.js";
import type { ChannelOverrides } from "../channels/types.js";
import type { Config } from "../config.js";
import { isPostgresUrl } from "../db/database-url.js";
import { type ConnectedInbox, connectedInboxes, DatabaseUnusable, inspectDatabase } from "../db/health.js";
import { defaultMigrationsDir, defaultPostgresMigrationsDir } from "../db/migrate.js";
import { assertSqliteDriverLoads, SqliteDriverError } from "../db/sqlite-driver.js";
import { errorMessage } from "../errors.js";
import { SlackProbe } from "../slack/probe.js";
import { readManifest, type SlackManifest } from "../slack/scopes.js";
import { checkPostgresDatabase } from "./postgres.js";
import type { CheckResult, CheckStatus } from "./result.js";

export type { CheckResult, CheckStatus };

export interface DoctorDependencies extends ChannelOverrides {
  readonly slackClientOptions?: WebClientOptions;
  readonly migrationsDir?: string;
  readonly manifest?: SlackManifest;
  /** better-sqlite3's addon file to load instead of the installed one. */
  readonly sqliteNativeBinding?: string;
}

const reinstall =
  "In https://api.slack.com/apps → your app → App Manifest, paste manifest.json from this repository, save, then Install App → Reinstall to Workspace, and copy the new Bot User OAuth Token into SLACK_BOT_TOKEN.";

const slackTokenFixes: Record<string, string> = {
  invalid_auth: "The token is wrong or belongs to another app.",
  not_authed: "No token was sent.",
  token_revoked: "The token was revoked (the app was uninstalled or the token rotated).",
  account_inactive: "The app or its workspace was deactivated.",
  not_allowed_token_type: "This is the wrong kind of token.",
  unreachable: "Slack could not be reached: check the network, a proxy, or SLACK_API_URL.",
};

function slackTokenProblem(code: string): string {
  return slackTokenFixes[code] ?? `Slack answered ${code}.`;
}

/** PUBLIC_URL is what providers sign and call: a bare https origin, so `PUBLIC_URL + path` is exact. */
export function checkPublicUrl(publicUrl: string): CheckResult {
  const name = "PUBLIC_URL";
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return {
      name,
      status: "fail",
      detail: `${publicUrl} is not a URL`,
      fix: "Set PUBLIC_URL to https://your.host",
    };
  }
  const problems = [
    url.protocol !== "https:" && "it is not https (the providers require https for webhooks)",
    url.pathname !== "/" && `it has a path (${url.pathname})`,
    url.search !== "" && "it has a query string",
    url.hash !== "" && "it has a fragment",
    (url.username !== "" || url.password !== "") && "it contains credentials",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) {
    return {
      name,
      status: "fail",
      detail: `${publicUrl}: ${problems.join("; ")}`,
      fix: `Set PUBLIC_URL to the https origin your tunnel or reverse proxy serves, e.g. https://${url.host}, without a path: the webhook paths are added to it.`,
    };
  }
  if (/^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(url.hostname)) {
    return {
      name,
      status: "warn",
      detail: `${publicUrl} is a local address; the providers cannot reach it`,
      fix: "Use the public https URL of your tunnel or reverse proxy.",
    };
  }
  return { name, status: "ok", detail: `${url.origin} (webhooks at ${url.origin}/webhooks/…)` };
}

/**
 * Whether PUBLIC_URL leads to a running Threadline: an unsigned transcript link must get this app's refusal
 * page. A warning rather than a failure, since the doctor is often run before the first start.
 */
export async function checkPublicUrlReaches(publicUrl: string, timeoutMs = 5_000): Promise<CheckResult> {
  const name = "PUBLIC_URL reaches Threadline";
  const probe = `${publicUrl}/conversations/0?sig=doctor`;
  try {
    const answer = await fetch(probe, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    const body = await answer.text();
    if (answer.status === 403 && body.includes("<title>Link not valid</title>")) {
      return { name, status: "ok", detail: `${publicUrl} leads to this Threadline's receiver` };
    }
    return {
      name,
      status: "warn",
      detail: `${probe} answered HTTP ${answer.status}, not like Threadline`,
      fix: "The tunnel or reverse proxy sends the request somewhere else, or does not forward /conversations/…; see docs/INSTALL.md, step 3.",
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      name,
      status: "warn",
      detail: `could not reach ${publicUrl}: ${cause?.message ?? cause?.code ?? errorMessage(error)}`,
      fix: "If Threadline is not running yet, start it and run the doctor again. Otherwise check that the tunnel or reverse proxy is up and that DNS points at it.",
    };
  }
}

/** The native addon better-sqlite3 needs; a Node.js upgrade without `npm rebuild` breaks it. */
export function checkSqliteDriver(nativeBinding?: string): CheckResult {
  const name = "SQLite driver";
  try {
    assertSqliteDriverLoads(nativeBinding);
    return { name, status: "ok", detail: `better-sqlite3 loads in Node.js ${process.version}` };
  } catch (error) {
    if (error instanceof SqliteDriverError) {
      return { name, status: "fail", detail: error.detail, fix: SqliteDriverError.fix };
    }
    return {
      name,
      status: "fail",
      detail: `better-sqlite3 fails to open an in-memory database: ${errorMessage(error)}`,
      fix: SqliteDriverError.fix,
    };
  }
}

function checkDatabase(config: Config, migrationsDir: string): CheckResult & { usable: boolean } {
  const name = "Database";
  try {
    const found = inspectDatabase(config.databaseUrl, migrationsDir);
    if (found.state === "missing") {
      return {
        name,
        status: "ok",
        usable: false,
        detail: `${found.file} does not exist yet; it is created and migrated on the first \`npm start\``,
      };
    }
    if (found.failed.length > 0) {
      return {
        name,
        status: "fail",
        usable: false,
        detail: `${found.file}: migration ${found.failed.join(", ")} started and did not finish`,
        fix: "Restore the database from a backup, or fix it and mark the migration with `npx prisma migrate resolve`; then start again.",
      };
    }
    if (found.pending.length > 0) {
      return {
        name,
        status: "warn",
        usable: true,
        detail: `${found.file} is writable; ${found.pending.length} migration(s) not applied yet (${found.pending.join(", ")})`,
        fix: "They are applied automatically by the next `npm start`; back up the file first if it holds data you care about.",
      };
    }
    return { name, status: "ok", usable: true, detail: `${found.file} is writable and fully migrated` };
  } catch (error) {
    return {
      name,
      status: "fail",
      usable: false,
      detail: error instanceof DatabaseUnusable ? error.message : errorMessage(error),
      fix: "Point DATABASE_URL (file:<path>) at a location the app's user can write to, e.g. file:./data/threadline.db.",
    };
  }
}

/**
 * Each channel's own checks, from its folder. Channels sharing a provider return the same check (by name):
 * it is shown once.
 */
async function checkCustomerChannels(config: Config, deps: DoctorDependencies): Promise<CheckResult[]> {
  const results = await Promise.all(
    eachChannel().map(([kind, definition]) => definition.doctor(config[kind], deps)),
  );
  const seen = new Set<string>();
  return results.flat().filter((result) => !seen.has(result.name) && Boolean(seen.add(result.name)));
}

function checkScopes(granted: readonly string[], manifest: SlackManifest): CheckResult {
  const name = "Slack scopes";
  const needed = manifest.oauth_config.scopes.bot;
  const missing = needed.filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    return {
      name,
      status: "fail",
      detail: `the bot token lacks ${missing.join(", ")}`,
      fix: reinstall,
    };
  }
  return { name, status: "ok", detail: `all ${needed.length} scopes of manifest.json are granted` };
}

/** The connected inboxes of the SQLite file, or why they could not be read. */
function sqliteInboxes(databaseUrl: string): readonly ConnectedInbox[] | string {
  try {
    return connectedInboxes(databaseUrl);
  } catch (error) {
    // A database that predates the Inbox table: `npm start` migrates it, then the channels can be checked.
    return `could not read the connected inboxes (${errorMessage(error)})`;
  }
}

async function checkChannels(
  inboxes: readonly ConnectedInbox[] | string,
  probe: SlackProbe,
): Promise<CheckResult[]> {
  if (typeof inboxes === "string") {
    return [{ name: "Connected channels", status: "skip", detail: inboxes }];
  }
  if (inboxes.length === 0) {
    return [
      {
        name: "Connected channels",
        status: "warn",
        detail: "no inbox is connected to a Slack channel yet; customer messages are kept until one is",
        fix: "In the Slack channel that should receive them, run `/threadline connect <channel> <number or id>` (`/threadline help` lists the channels and their addresses).",
      },
    ];
  }
  return Promise.all(
    inboxes.map(async (inbox): Promise<CheckResult> => {
      const name = `Channel for ${inbox.kind} ${inbox.address}`;
      const state = await probe.channel(inbox.slackChannelId);
      if ("ok" in state) {
        return {
          name,
          status: "fail",
          detail: `could not look up ${inbox.slackChannelId}: Slack answered ${state.code}`,
          fix: "Fix the Slack checks above first.",
        };
      }
      const reconnect = `In the channel that should receive these conversations, run \`/threadline connect ${inbox.kind} ${inbox.address}\`.`;
      if (!state.exists) {
        return {
          name,
          status: "fail",
          detail: `${inbox.slackChannelId} no longer exists, or is private and the app was removed from it`,
          fix: `If it is private, invite the app back (/invite @Threadline in it); otherwise: ${reconnect}`,
        };
      }
      if (state.archived) {
        return {
          name,
          status: "fail",
          detail: `#${state.name} (${inbox.slackChannelId}) is archived; conversations cannot be posted there`,
          fix: `Unarchive #${state.name}, or: ${reconnect}`,
        };
      }
      if (!state.isMember) {
        return {
          name,
          status: "fail",
          detail: `the app is not a member of #${state.name} (${inbox.slackChannelId})`,
          fix: `Run \`/invite @Threadline\` in #${state.name}.`,
        };
      }
      return { name, status: "ok", detail: `#${state.name} (${inbox.slackChannelId}), the app is a member` };
    }),
  );
}

interface DatabaseChecks {
  readonly driver: CheckResult;
  readonly database: CheckResult;
  readonly inboxes: readonly ConnectedInbox[] | string;
}

function sqliteChecks(config: Config, deps: DoctorDependencies): DatabaseChecks {
  const driver = checkSqliteDriver(deps.sqliteNativeBinding);
  if (driver.status !== "ok") {
    const database = { name: "Database", status: "skip" as const, detail: "needs a working SQLite driver" };
    return { driver, database, inboxes: "needs a migrated, readable database" };
  }
  const { usable, ...database } = checkDatabase(config, deps.migrationsDir ?? defaultMigrationsDir);
  return {
    driver,
    database,
    inboxes: usable ? sqliteInboxes(config.databaseUrl) : "needs a migrated, readable database",
  };
}

async function postgresChecks(config: Config, deps: DoctorDependencies): Promise<DatabaseChecks> {
  const { inboxes, ...database } = await checkPostgresDatabase(
    config.databaseUrl,
    deps.migrationsDir ?? defaultPostgresMigrationsDir,
  );
  const driver = { name: "SQLite driver", status: "skip" as const, detail: "DATABASE_URL is PostgreSQL" };
  return { driver, database, inboxes };
}

/**
 * Checks the configuration and everything external the app depends on, the way the app will use it, and
 * says how to fix each problem. Reads only: nothing is created, posted or sent.
 */
export async function runDoctor(config: Config, deps: DoctorDependencies = {}): Promise<CheckResult[]> {
  const manifest = deps.manifest ?? readManifest();
  const probe = new SlackProbe(config.slack, deps.slackClientOptions);
  // The network checks run together; the database is inspected meanwhile.
  const network = Promise.all([
    checkPublicUrlReaches(config.publicUrl),
    probe.botIdentity(),
    probe.appToken(),
    checkCustomerChannels(config, deps),
  ]);
  const { driver, database, inboxes } = isPostgresUrl(config.databaseUrl)
    ? await postgresChecks(config, deps)
    : sqliteChecks(config, deps);
  const [reachable, bot, app, customerChannels] = await network;
  const results: CheckResult[] = [checkPublicUrl(config.publicUrl), reachable, driver, database];
  results.push(
    bot.ok
      ? { name: "Slack bot token", status: "ok", detail: `valid: ${bot.botUser} in ${bot.team}` }
      : {
          name: "Slack bot token",
          status: "fail",
          detail: `auth.test failed: ${bot.code}. ${slackTokenProblem(bot.code)}`,
          fix: "Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into SLACK_BOT_TOKEN; install the app to the workspace first if it is not.",
        },
  );
  results.push(
    app.ok
      ? { name: "Slack app token", status: "ok", detail: "valid: Socket Mode can connect" }
      : {
          name: "Slack app token",
          status: "fail",
          detail: `apps.connections.open failed: ${app.code}. ${slackTokenProblem(app.code)}`,
          fix: "In Basic Information → App-Level Tokens, generate a token with the connections:write scope and put it (xapp-…) in SLACK_APP_TOKEN. Socket Mode must be on (Settings → Socket Mode).",
        },
  );
  results.push(
    bot.ok
      ? checkScopes(bot.scopes, manifest)
      : { name: "Slack scopes", status: "skip", detail: "needs a valid bot token" },
  );
  results.push(...customerChannels);
  if (!bot.ok) {
    results.push({ name: "Connected channels", status: "skip", detail: "needs a valid bot token" });
  } else {
    results.push(...(await checkChannels(inboxes, probe)));
  }
  return results;
}

const marks: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✖", skip: "–" };

/** The checklist as people read it: one line per check, the fix indented under each problem. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.flatMap((result) => [
    `${marks[result.status]} ${result.name}: ${result.detail}`,
    ...(result.fix && (result.status === "fail" || result.status === "warn")
      ? [`    fix: ${result.fix}`]
      : []),
  ]);
  const failed = results.filter((r) => r.status === "fail").length;
  const warned = results.filter((r) => r.status === "warn").length;
  lines.push(
    "",
    failed > 0
      ? `${failed} problem(s) to fix${warned > 0 ? `, ${warned} warning(s)` : ""}.`
      : `All good${warned > 0 ? ` (${warned} warning(s))` : ""}.`,
  );
  return lines.join("\n");
}

export function exitCode(results: readonly CheckResult[]): number {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}
