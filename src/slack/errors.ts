import { ErrorCode, type WebAPICallError } from "@slack/web-api";
import { DeliveryError } from "../core/errors.js";

/** Errors that make a whole channel unusable until someone re-invites the app, unarchives or reconnects. */
const channelUnavailable = new Set(["channel_not_found", "not_in_channel", "is_archived"]);

/** Slack errors that will not go away by retrying; someone has to act (invite the app, fix a token…). */
const permanentErrors: Record<string, string> = {
  channel_not_found: "the Slack channel no longer exists or the app can't see it",
  not_in_channel: "the app is not a member of the Slack channel",
  is_archived: "the Slack channel is archived",
  invalid_auth: "the Slack bot token is invalid",
  not_authed: "no Slack bot token was sent",
  account_inactive: "the Slack bot token belongs to a deactivated app",
  token_revoked: "the Slack bot token was revoked",
  missing_scope: "the Slack app lacks a permission it needs",
  restricted_action: "the workspace does not allow the app to post there",
  message_not_found: "the Slack message is gone",
  cant_update_message: "the app can't edit that Slack message",
  thread_not_found: "the Slack thread is gone",
  invalid_blocks: "Slack rejected the message layout",
  msg_too_long: "the message is too long for Slack",
  no_text: "the message was empty",
};

const isSlackError = (error: unknown): error is WebAPICallError =>
  typeof error === "object" &&
  error !== null &&
  "code" in error &&
  String(error.code).startsWith("slack_webapi_");

/** Turns a WebClient failure into the delivery queue's terms: retry later, or stop and tell someone. */
export function classifySlackError(error: unknown): DeliveryError {
  if (!isSlackError(error)) {
    return new DeliveryError("SLACK_UNEXPECTED", "unexpected error talking to Slack", {
      transient: true,
      outcomeUnknown: true,
      cause: error,
    });
  }
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError("RATE_LIMITED", "Slack rate limit", {
        transient: true,
        category: "rate_limited",
        retryAfterMs: Math.max(1, error.retryAfter) * 1000,
        cause: error,
      });
    case ErrorCode.PlatformError: {
      const code = error.data.error;
      // missing_scope names the scope in `needed`: the person fixing it needs to know which.
      const needed = code === "missing_scope" ? (error.data as { needed?: unknown }).needed : undefined;
      const known = permanentErrors[code];
      const reason = known && typeof needed === "string" ? `${known} (${needed})` : known;
      return new DeliveryError(`SLACK_${code}`, reason ?? `Slack answered ${code}`, {
        transient:
          reason === undefined &&
          ["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"].includes(
            code,
          ),
        ...(channelUnavailable.has(code) ? { category: "destination_unavailable" as const } : {}),
        // Slack may have done it before failing to answer: a retry looks for its own post first.
        outcomeUnknown: ["internal_error", "fatal_error", "request_timeout"].includes(code),
        cause: error,
      });
    }
    case ErrorCode.HTTPError:
      return new DeliveryError("SLACK_HTTP", `Slack answered HTTP ${error.statusCode}`, {
        transient: true,
        outcomeUnknown: error.statusCode >= 500,
        cause: error,
      });
    default:
      return new DeliveryError("SLACK_UNREACHABLE", "could not reach Slack", {
        transient: true,
        outcomeUnknown: true,
        cause: error,
      });
  }
}
