import { StartupFailure } from "../errors.js";
import { slackErrorCode } from "./probe.js";

/** Slack could not be reached, or refused a token, while the app connected. */
export class SlackUnavailable extends StartupFailure {
  constructor(message: string, fix: string, cause: unknown) {
    super("SLACK_UNAVAILABLE", message, fix, { cause });
  }
}

/** The innermost cause's message: the SDK wraps a network error twice ("fetch failed" → "connect ECONNREFUSED …"). */
function rootMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown; original?: unknown };
  for (;;) {
    const inner = (current.cause ?? current.original) as typeof current | undefined;
    if (!inner || typeof inner !== "object") return current.message ?? String(current);
    current = inner;
  }
}

const tokenFixes = {
  SLACK_BOT_TOKEN:
    "Copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page into SLACK_BOT_TOKEN",
  SLACK_APP_TOKEN:
    "Put an app-level token (xapp-…) with the connections:write scope, from your Slack app's Basic Information page, in SLACK_APP_TOKEN",
} as const;

/**
 * What a failed connection to Slack means to the person starting the app: Slack out of reach, or which token
 * it refused. `token` is the one the failed call used.
 */
export function slackConnectFailure(
  error: unknown,
  token: keyof typeof tokenFixes,
  apiUrl: string,
): SlackUnavailable {
  const code = slackErrorCode(error);
  if (code === "unreachable") {
    return new SlackUnavailable(
      `Slack could not be reached at ${apiUrl} (${rootMessage(error)})`,
      "Check the network connection and any proxy, and SLACK_API_URL if it is set",
      error,
    );
  }
  return new SlackUnavailable(`Slack refused ${token} (${code})`, tokenFixes[token], error);
}
