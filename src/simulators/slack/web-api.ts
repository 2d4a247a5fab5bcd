import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import { FaultQueue } from "../faults.js";
import { json, type Reply, type RequestBody, text } from "../http.js";
import type { MethodContext, MethodSpec } from "./method-access.js";
import { type Args, SlackApiError } from "./method-args.js";
import { createMethods } from "./methods.js";
import type { ApiCall, FailSpec, RateLimitSpec } from "./types.js";

/** The scopes the app is granted unless a test takes some away. */
export const DEFAULT_SCOPES = [
  "chat:write",
  "chat:write.customize",
  "channels:history",
  "groups:history",
  "channels:read",
  "groups:read",
  "channels:join",
  "users:read",
  "files:read",
  "files:write",
  "reactions:read",
  "reactions:write",
  "commands",
];

class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly spec: RateLimitSpec) {
    this.tokens = spec.burst;
  }

  /** 0 when a token was available, otherwise the whole seconds to wait (Slack's Retry-After is an integer). */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.last) / 1000) * this.spec.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.spec.perSecond));
  }
}

function bodyArgs(body: RequestBody): Args {
  if (typeof body.json === "object" && body.json !== null) return body.json as Args;
  // A repeated form key keeps its last value, as Slack reads it.
  const args: Args = Object.fromEntries(body.fields);
  for (const file of body.files) args[file.field] = file.bytes;
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

/** The HTTP side of the Web API: call log, injected faults, rate limits, token checks, dispatch. */
export class WebApi {
  readonly calls: ApiCall[] = [];
  rateLimitedCount = 0;
  down = false;
  private readonly methods: Record<string, MethodSpec>;
  private readonly faults = new Map<string, FaultQueue<FailSpec>>();
  private readonly limits = new Map<string, RateLimitSpec>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly tokens: { bot: string; app: string },
    private readonly ctx: MethodContext,
    /** Methods of other parts of the simulator (the modals'). */
    more: Record<string, MethodSpec> = {},
  ) {
    this.methods = { ...createMethods(ctx), ...more };
  }

  failNext(method: string, spec: FailSpec): void {
    let queue = this.faults.get(method);
    if (!queue) {
      queue = new FaultQueue<FailSpec>();
      this.faults.set(method, queue);
    }
    queue.add(spec, spec.times);
  }

  clearFaults(method: string): void {
    this.faults.get(method)?.clear();
  }

  rateLimit(method: string, spec: RateLimitSpec): void {
    if (!(spec.perSecond > 0) || !(spec.burst >= 1))
      throw new Error("rateLimit needs perSecond > 0 and burst >= 1");
    this.limits.set(method, spec);
    for (const key of this.buckets.keys()) if (key.startsWith(`${method} `)) this.buckets.delete(key);
  }

  handle(req: IncomingMessage, method: string, url: URL, body: RequestBody): Reply {
    const args: Args = { ...Object.fromEntries(url.searchParams), ...bodyArgs(body) };
    this.calls.push({ method, args, headers: { ...req.headers }, at: new Date() });
    if (this.down) return text("Service Unavailable", 503);
    const fault = this.faults.get(method)?.take();
    if (fault && !fault.accepted) return this.answerFault(fault);
    const done = this.dispatch(req, method, args);
    return fault ? this.answerFault(fault) : done;
  }

  private dispatch(req: IncomingMessage, method: string, args: Args): Reply {
    const wait = this.takeToken(method, args);
    if (wait > 0) return this.tooManyRequests(wait);

    const spec = this.methods[method];
    if (!spec) return json({ ok: false, error: "unknown_method" });
    const token = bearer(req) ?? (typeof args.token === "string" ? args.token : undefined);
    const authError = this.authError(spec, token);
    if (authError) return json({ ok: false, error: authError });
    // Slack reports the token's scopes on every response; WebClient copies them into response_metadata.scopes.
    const headers: Record<string, string> =
      spec.token === "bot" ? { "x-oauth-scopes": this.ctx.grantedScopes().join(",") } : {};
    let result: Record<string, unknown>;
    try {
      result = { ok: true, ...spec.run(args, token) };
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      result = { ok: false, error: err.code, ...err.extra };
    }
    return json(result, 200, headers);
  }

  private authError(spec: MethodSpec, token: string | undefined): string | undefined {
    if (!token) return "not_authed";
    if (spec.accepts?.(token)) return undefined;
    const expected = spec.token === "bot" ? this.tokens.bot : this.tokens.app;
    if (token === expected) return undefined;
    return token === this.tokens.bot || token === this.tokens.app ? "not_allowed_token_type" : "invalid_auth";
  }

  /** Buckets are per method and channel, matching Slack's "1 message per second per channel" rule. */
  private takeToken(method: string, args: Args): number {
    const spec = this.limits.get(method);
    if (!spec) return 0;
    const key = `${method} ${String(args.channel ?? args.channel_id ?? "")}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(spec);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  private answerFault(fault: FailSpec): Reply {
    const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : 200);
    if (status === 429) return this.tooManyRequests(fault.retryAfter ?? 1);
    if (status === 200) return json({ ok: false, error: fault.error ?? "internal_error" });
    return text(fault.error ?? STATUS_CODES[status] ?? "error", status);
  }

  private tooManyRequests(seconds: number): Reply {
    this.rateLimitedCount += 1;
    return json({ ok: false, error: "ratelimited" }, 429, { "retry-after": String(seconds) });
  }
}
