import type { ConnectedInbox } from "../db/health.js";
import type { BotIdentity, ProbeFailure, SlackProbe } from "../slack/probe.js";
import type { SlackManifest } from "../slack/scopes.js";
import type { CheckResult } from "./result.js";

const reinstall =
  "In https://api.slack.com/apps → your app → App Manifest, paste manifest.json from this repository, save, then Install App → Reinstall to Workspace, and copy the new Bot User OAuth Token into SLACK_BOT_TOKEN.";

const unreachableFix =
  "Check this machine's network connection and any proxy between it and Slack (HTTPS_PROXY), and SLACK_API_URL if it is set: it must be https://slack.com/api/ or unset. The tokens cannot be checked until Slack answers.";

const tokenProblems: Record<string, string> = {
  invalid_auth: "The token is wrong or belongs to another app.",
  not_authed: "No token was sent.",
  token_revoked: "The token was revoked (the app was uninstalled or the token rotated).",
  account_inactive: "The app or its workspace was deactivated.",
  not_allowed_token_type: "This is the wrong kind of token.",
};

/** A token check's result: Slack out of reach is a network problem with its own fix; any other code is the token's. */
function tokenResult(name: string, call: string, failure: ProbeFailure, tokenFix: string): CheckResult {
  if (failure.code === "unreachable") {
    return { name, status: "fail", detail: `Slack could not be reached (${call})`, fix: unreachableFix };
  }
  const problem = tokenProblems[failure.code] ?? `Slack answered ${failure.code}.`;
  return { name, status: "fail", detail: `${call} failed: ${failure.code}. ${problem}`, fix: tokenFix };
}

export function checkBotToken(bot: BotIdentity | ProbeFailure): CheckResult {
  const name = "Slack bot token";
  if (bot.ok) return { name, status: "ok", detail: `valid: ${bot.botUser} in ${bot.team}` };
  return tokenResult(
    name,
    "auth.test",
    bot,
    "Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into SLACK_BOT_TOKEN; install the app to the workspace first if it is not.",
  );
}

export function checkAppToken(app: { readonly ok: true } | ProbeFailure): CheckResult {
  const name = "Slack app token";
  if (app.ok) return { name, status: "ok", detail: "valid: Socket Mode can connect" };
  return tokenResult(
    name,
    "apps.connections.open",
    app,
    "In Basic Information → App-Level Tokens, generate a token with the connections:write scope and put it (xapp-…) in SLACK_APP_TOKEN. Socket Mode must be on (Settings → Socket Mode).",
  );
}

export function checkScopes(granted: readonly string[], manifest: SlackManifest): CheckResult {
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

/** Each connected inbox's Slack channel: it exists, is not archived, and has the app in it. */
export async function checkChannels(
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
