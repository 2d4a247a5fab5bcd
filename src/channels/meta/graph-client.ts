import { AppError } from "../../core/errors.js";
import type { MetaConfig } from "./config.js";

/** The `error` object of a Graph error answer. */
export interface GraphErrorBody {
  readonly message?: string;
  readonly type?: string;
  readonly code?: number;
  readonly error_subcode?: number;
  readonly is_transient?: boolean;
  readonly fbtrace_id?: string;
}

/** A Graph call that failed: `status` null when no answer came (network, timeout). */
export class GraphRequestError extends AppError {
  constructor(
    readonly status: number | null,
    readonly graph: GraphErrorBody | null,
    options: { cause?: unknown } = {},
  ) {
    super(
      status === null ? "GRAPH_UNREACHABLE" : `GRAPH_HTTP_${status}`,
      graph?.message ?? (status === null ? "could not reach the Graph API" : `Graph API answered ${status}`),
      options,
    );
  }
}

export interface GraphClient {
  get(path: string, query: Readonly<Record<string, string>>): Promise<unknown>;
  post(path: string, body: unknown): Promise<unknown>;
}

/** Generous for one small JSON call, short enough that a hung connection does not hold a lane for long. */
const timeoutMs = 15_000;

/**
 * The Graph API over Node's global fetch. Meta maintains no official Node SDK for the Messenger Send and User
 * Profile APIs (facebook-nodejs-business-sdk covers the Marketing API), and these are two plain JSON calls.
 * The page token travels as the `access_token` query parameter, as Meta documents; it is never put in an
 * error or log line. No retries here: the delivery queue retries, durably.
 */
export function createGraphClient(config: Pick<MetaConfig, "graphApiUrl" | "pageAccessToken">): GraphClient {
  async function call(method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown) {
    const url = new URL(`${config.graphApiUrl}/${path}`);
    for (const [key, value] of Object.entries({ ...query, access_token: config.pageAccessToken })) {
      url.searchParams.set(key, value);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new GraphRequestError(null, null, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (error) {
      // An answer that is not JSON comes from a proxy or an outage page, not from Graph itself.
      throw new GraphRequestError(response.ok ? 502 : response.status, null, { cause: error });
    }
    if (!response.ok) {
      const graph = (parsed as { error?: GraphErrorBody } | null)?.error;
      throw new GraphRequestError(response.status, typeof graph === "object" && graph ? graph : null);
    }
    return parsed;
  }

  return {
    get: (path, query) => call("GET", path, { ...query }),
    post: (path, body) => call("POST", path, {}, body),
  };
}
