import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultQueue } from "../../src/simulators/faults.js";
import { json, type LocalServer, listen, type Reply, readBody, text } from "../../src/simulators/http.js";

/*
 * A local stand-in for the Graph API endpoints Threadline calls (Send API, User Profile API), and the Meta
 * side of the webhook (bodies serialized and signed exactly as Meta does). Wire formats: shared reference,
 * protocols.md §5.
 */

export interface GraphErrorObject {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  fbtrace_id: string;
}

/** An error answer: HTTP status and Graph's `{ error: {...} }` body. */
export interface GraphFailure {
  status: number;
  error: GraphErrorObject;
}

const failure = (
  status: number,
  code: number,
  message: string,
  extra: Partial<GraphErrorObject> = {},
): GraphFailure => ({
  status,
  error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEfGhIjK", ...extra },
});

/** The errors Meta documents for the Send API (protocols.md §5.4). Graph answers most of them with 400. */
export const graphErrors = {
  outsideWindow: failure(400, 10, "(#10) This message is sent outside of allowed window.", {
    error_subcode: 2018278,
  }),
  notReceiving: failure(
    400,
    200,
    "(#200) Message Not Sent: This person isn't receiving messages from you right now.",
    {
      error_subcode: 1545041,
    },
  ),
  unavailable: failure(400, 551, "(#551) This person isn't available right now."),
  noUser: failure(400, 100, "(#100) No matching user found", { error_subcode: 2018001 }),
  badToken: failure(400, 190, "Invalid OAuth access token."),
  rateLimited: failure(400, 613, "(#613) Calls to this API have exceeded the rate limit."),
  temporary: failure(400, 1200, "(#1200) Temporary send message failure. Please try again later.", {
    is_transient: true,
  }),
  unexpected: failure(500, 2, "An unexpected error has occurred. Please retry your request later.", {
    is_transient: true,
  }),
  /** What the User Profile API answers for fields that need permissions the Page lacks. */
  profilePermission: failure(400, 100, "(#100) Insufficient permission to access user profile", {
    error_subcode: 2018247,
  }),
  unknownObject: failure(400, 100, "Unsupported get request. Object does not exist.", { error_subcode: 33 }),
} satisfies Record<string, GraphFailure>;

export interface SendBody {
  recipient: { id: string };
  messaging_type: string;
  tag?: string;
  message: { text?: string; attachment?: { type: string; payload: { url?: string } } };
}

export interface RecordedSend {
  /** "me" or the Page id in the path. */
  page: string;
  body: SendBody;
  messageId: string;
}

export interface Profile {
  first_name: string;
  last_name: string;
  profile_pic: string;
}

export interface StreamProgress {
  sent: number;
  hungUp: boolean;
  finished: boolean;
}

type CdnFile =
  | { bytes: Buffer; contentType: string }
  | { redirect: string }
  | { stream: { size: number; progress: StreamProgress } };

/** Writes `size` bytes, waiting whenever the client is not reading, and stops if it hangs up. */
function streamBytes(res: ServerResponse, size: number, progress: StreamProgress): void {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  res.on("close", () => {
    progress.hungUp = !progress.finished;
  });
  const write = () => {
    while (progress.sent < size && !res.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - progress.sent));
      progress.sent += part.length;
      if (!res.write(part)) {
        res.once("drain", write);
        return;
      }
    }
    if (progress.sent >= size && !res.destroyed) {
      progress.finished = true;
      res.end();
    }
  };
  write();
}

const defaultFields = new Set(["id", "name", "first_name", "last_name", "profile_pic"]);

export class FakeGraph {
  readonly sends: RecordedSend[] = [];
  /** Profiles by PSID; an unknown PSID gets Graph's "object does not exist". */
  readonly profiles = new Map<string, Profile>();
  /** The PSIDs whose profile was asked for, in order. */
  readonly profileRequests: string[] = [];
  /** While set, every profile request gets this answer. */
  profileFailure: GraphFailure | null = null;
  /** The Page the access token belongs to: what `GET /me` answers with a Page token. */
  page = { id: "104857600000001", name: "Threadline Test Page" };
  private readonly sendFaults = new FaultQueue<GraphFailure>();
  /** Files customers "sent", served at `cdnUrl(name)` as Meta's CDN serves attachments (no token). */
  private readonly files = new Map<string, CdnFile>();
  /** CDN requests being answered right now, and the most there ever were at once. */
  readonly cdn = { inFlight: 0, maxInFlight: 0, requests: 0 };
  /** While set, CDN requests wait for `releaseFiles()` before they are answered. */
  private held: Promise<void> | null = null;
  private releaseHeld: (() => void) | null = null;
  private sequence = 0;

  private constructor(
    private readonly server: LocalServer,
    readonly accessToken: string,
    private readonly version: string,
  ) {}

  static async start(options: { accessToken: string; version?: string }): Promise<FakeGraph> {
    let graph: FakeGraph | undefined;
    const server = await listen((req, url) => (graph as FakeGraph).handle(req, url));
    graph = new FakeGraph(server, options.accessToken, options.version ?? "v24.0");
    return graph;
  }

  /** What GRAPH_API_URL should be: origin and version path, as for graph.facebook.com. */
  get url(): string {
    return `${this.server.origin}/${this.version}`;
  }

  /** Hosts a file on the fake CDN and returns its URL, for attachment payloads. */
  hostFile(name: string, bytes: Buffer, contentType: string): string {
    this.files.set(name, { bytes, contentType });
    return this.cdnUrl(name);
  }

  private cdnUrl(name: string): string {
    return `${this.server.origin}/cdn/${encodeURIComponent(name)}`;
  }

  /** A CDN link that answers 302 to `location`, as a CDN link that moved would. */
  redirectFile(name: string, location: string): string {
    this.files.set(name, { redirect: location });
    return this.cdnUrl(name);
  }

  /**
   * A CDN file of `size` bytes sent in 64 KiB chunks without a Content-Length, as fast as the client reads
   * it; `progress` says how much went out and whether the client hung up before the end.
   */
  streamFile(name: string, size: number): { url: string; progress: StreamProgress } {
    const progress = { sent: 0, hungUp: false, finished: false };
    this.files.set(name, { stream: { size, progress } });
    return { url: this.cdnUrl(name), progress };
  }

  /** From now on CDN requests are held, unanswered, until `releaseFiles()`. */
  holdFiles(): void {
    this.held = new Promise((resolve) => {
      this.releaseHeld = resolve;
    });
  }

  releaseFiles(): void {
    this.releaseHeld?.();
    this.held = null;
  }

  /** The next `times` sends fail with `fault` (queued faults are used in order). */
  failNext(fault: GraphFailure, times = 1): void {
    this.sendFaults.add(fault, times);
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, url: URL): Promise<Reply> {
    const body = await readBody(req);
    if (url.pathname.startsWith("/cdn/")) {
      this.cdn.requests++;
      this.cdn.inFlight++;
      this.cdn.maxInFlight = Math.max(this.cdn.maxInFlight, this.cdn.inFlight);
      try {
        await this.held;
        return this.serveFile(this.files.get(decodeURIComponent(url.pathname.slice("/cdn/".length))));
      } finally {
        this.cdn.inFlight--;
      }
    }
    const prefix = `/${this.version}/`;
    if (!url.pathname.startsWith(prefix)) {
      return this.fail(failure(400, 2500, `Unknown path components: ${url.pathname}`));
    }
    const path = url.pathname.slice(prefix.length).split("/");
    // Graph takes the token as a query parameter or as a field of the body.
    const token =
      url.searchParams.get("access_token") ??
      (body.json as { access_token?: string } | undefined)?.access_token ??
      null;
    if (token !== this.accessToken) return this.fail(graphErrors.badToken);

    if (req.method === "POST" && path.length === 2 && path[1] === "messages") {
      return this.send(path[0] as string, body.json);
    }
    if (req.method === "GET" && path.length === 1) return this.profile(path[0] as string, url);
    return this.fail(failure(400, 100, `(#100) Unsupported ${req.method} request to ${url.pathname}`));
  }

  private serveFile(file: CdnFile | undefined): Reply {
    if (!file) return text("Not Found", 404);
    if ("redirect" in file) return { status: 302, body: "", headers: { location: file.redirect } };
    if ("stream" in file) {
      const { size, progress } = file.stream;
      return {
        status: 200,
        body: "",
        headers: { "content-type": "video/mp4" },
        stream: (res) => streamBytes(res, size, progress),
      };
    }
    return { status: 200, body: file.bytes, headers: { "content-type": file.contentType } };
  }

  private send(page: string, payload: unknown): Reply {
    const body = payload as SendBody | undefined;
    const problem = !body?.recipient?.id
      ? "(#100) The parameter recipient is required"
      : !["RESPONSE", "UPDATE", "MESSAGE_TAG"].includes(body.messaging_type)
        ? "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"
        : body.messaging_type === "MESSAGE_TAG" && !body.tag
          ? "(#100) Tag is required for MESSAGE_TAG messaging type"
          : !body.message || (body.message.text === undefined && !body.message.attachment)
            ? "(#100) The parameter message must contain text or an attachment"
            : body.message.text !== undefined && [...body.message.text].length > 2000
              ? "(#100) Param message[text] must be UTF-8 encoded and 2000 characters or fewer"
              : null;
    if (problem) return this.fail(failure(400, 100, problem));
    const fault = this.sendFaults.take();
    if (fault) return this.fail(fault);
    const messageId = `m_fake${++this.sequence}`;
    this.sends.push({ page, body: body as SendBody, messageId });
    return json({ recipient_id: body?.recipient.id, message_id: messageId });
  }

  private profile(psid: string, url: URL): Reply {
    if (psid === "me") {
      const fields = (url.searchParams.get("fields") ?? "id,name").split(",");
      const page: Record<string, string> = this.page;
      return json(Object.fromEntries(fields.map((field) => [field, page[field]])));
    }
    this.profileRequests.push(psid);
    const fields = (url.searchParams.get("fields") ?? "first_name,last_name,profile_pic").split(",");
    if (fields.some((field) => !defaultFields.has(field))) return this.fail(graphErrors.profilePermission);
    if (this.profileFailure) return this.fail(this.profileFailure);
    const profile = this.profiles.get(psid);
    if (!profile) return this.fail(graphErrors.unknownObject);
    const full: Record<string, string> = {
      ...profile,
      id: psid,
      name: `${profile.first_name} ${profile.last_name}`,
    };
    return json(Object.fromEntries(fields.map((field) => [field, full[field]])));
  }

  private fail(fault: GraphFailure): Reply {
    return json({ error: fault.error }, fault.status);
  }
}

// ---- The Meta side of the webhook ----

/**
 * JSON as Meta serializes webhook bodies: non-ASCII as lowercase `\uXXXX` escapes (UTF-16 units, so an emoji
 * is two) and `/` as `\/`. A receiver that re-serializes the parsed body computes a different signature.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

export function hubSignature(appSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

export interface WebhookOptions {
  /** Signs with this App Secret; omit to send unsigned. */
  appSecret?: string;
  /** Sends this header value instead of the computed one. */
  signature?: string;
}

/** POSTs `payload` to the webhook URL exactly as Meta would: escaped-unicode bytes, signed as sent. */
export async function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookOptions = {},
): Promise<Response> {
  const bytes = Buffer.from(metaJson(payload), "utf8");
  const signature =
    options.signature ?? (options.appSecret ? hubSignature(options.appSecret, bytes) : undefined);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature ? { "x-hub-signature-256": signature } : {}),
    },
    body: bytes,
  });
}

// ---- Payload builders (protocols.md §5.3) ----

export type MessagingEvent = Record<string, unknown>;

/** One notification: one entry per Page, each with its events. */
export function notification(entries: { pageId: string; events: MessagingEvent[] }[]): unknown {
  return {
    object: "page",
    entry: entries.map(({ pageId, events }) => ({ id: pageId, time: Date.now(), messaging: events })),
  };
}

let mids = 0;
export const nextMid = () => `m_${Date.now().toString(36)}${(++mids).toString(36)}`;

export const events = {
  text(pageId: string, psid: string, text: string, options: { mid?: string; timestamp?: number } = {}) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: options.timestamp ?? Date.now(),
      message: { mid: options.mid ?? nextMid(), text },
    };
  },
  attachments(pageId: string, psid: string, attachments: { type: string; url?: string }[], mid = nextMid()) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: Date.now(),
      message: {
        mid,
        attachments: attachments.map(({ type, url }) => ({ type, payload: url ? { url } : null })),
      },
    };
  },
  /** A message the Page sent, echoed back: sender and recipient are swapped. */
  echo(pageId: string, psid: string, text: string) {
    return {
      sender: { id: pageId },
      recipient: { id: psid },
      timestamp: Date.now(),
      message: { is_echo: true, app_id: 1517776481860111, mid: nextMid(), text },
    };
  },
  delivery(pageId: string, psid: string, watermark: number, mids?: string[]) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      delivery: { ...(mids ? { mids } : {}), watermark },
    };
  },
  read(pageId: string, psid: string, watermark: number) {
    return { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), read: { watermark } };
  },
  postback(pageId: string, psid: string, payload: string) {
    return { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), postback: { payload } };
  },
};
