import { ErrorCode, type Logger, LogLevel, WebClient, type WebClientOptions } from "@slack/web-api";

export type ProbeFailure = { readonly ok: false; readonly code: string };

export interface BotIdentity {
  readonly ok: true;
  readonly team: string;
  readonly botUser: string;
  /** What the token was granted, as Slack reports it on every response (x-oauth-scopes). */
  readonly scopes: readonly string[];
}

export type ChannelState =
  | { readonly exists: false }
  | { readonly exists: true; readonly name: string; readonly archived: boolean; readonly isMember: boolean };

/** Slack's error code of a failed call: the API's own (`invalid_auth`), or what went wrong on the way. */
export function slackErrorCode(error: unknown): string {
  const failure = error as { code?: string; data?: { error?: string }; statusCode?: number };
  if (failure.code === ErrorCode.PlatformError) return failure.data?.error ?? "unknown_error";
  if (failure.code === ErrorCode.HTTPError) return `http_${failure.statusCode ?? "error"}`;
  if (failure.code === ErrorCode.RateLimitedError) return "ratelimited";
  return "unreachable";
}

const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * Read-only questions the doctor asks Slack, one WebClient per token. No retries: a check should answer
 * quickly with what is wrong now.
 */
export class SlackProbe {
  private readonly bot: WebClient;
  private readonly app: WebClient;

  constructor(
    tokens: { readonly botToken: string; readonly appToken: string; readonly apiUrl: string },
    options: WebClientOptions = {},
  ) {
    const shared: WebClientOptions = {
      slackApiUrl: tokens.apiUrl,
      // The doctor reports each failure in its checklist; the SDK's own warnings would only clutter it.
      logger: silentLogger,
      retryConfig: { retries: 0 },
      timeout: 10_000,
      ...options,
    };
    this.bot = new WebClient(tokens.botToken, shared);
    this.app = new WebClient(tokens.appToken, shared);
  }

  async botIdentity(): Promise<BotIdentity | ProbeFailure> {
    try {
      const answer = await this.bot.auth.test();
      return {
        ok: true,
        team: answer.team ?? answer.team_id ?? "?",
        botUser: answer.user ?? answer.user_id ?? "?",
        scopes: answer.response_metadata?.scopes ?? [],
      };
    } catch (error) {
      return { ok: false, code: slackErrorCode(error) };
    }
  }

  /** Asks for a Socket Mode URL, which proves the app token works; the socket itself is not opened. */
  async appToken(): Promise<{ ok: true } | ProbeFailure> {
    try {
      await this.app.apps.connections.open();
      return { ok: true };
    } catch (error) {
      return { ok: false, code: slackErrorCode(error) };
    }
  }

  async channel(channelId: string): Promise<ChannelState | ProbeFailure> {
    try {
      const { channel } = await this.bot.conversations.info({ channel: channelId });
      if (!channel) return { exists: false };
      return {
        exists: true,
        name: channel.name ?? channelId,
        archived: channel.is_archived === true,
        isMember: channel.is_member === true,
      };
    } catch (error) {
      const code = slackErrorCode(error);
      return code === "channel_not_found" ? { exists: false } : { ok: false, code };
    }
  }
}
