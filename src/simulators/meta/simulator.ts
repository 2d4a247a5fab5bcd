import type { IncomingMessage } from "node:http";
import { Changes } from "../changes.js";
import { FaultQueue } from "../faults.js";
import { json, type LocalServer, listen, type Reply, readBody, text } from "../http.js";
import { type CdnFile, type StreamProgress, streamBytes } from "./cdn.js";
import {
  type InstagramAccount,
  type InstagramProfile,
  instagramProfileFields,
  instagramSendProblem,
} from "./instagram.js";
import {
  failure,
  type GraphFailure,
  graphErrors,
  type Profile,
  type RecordedSend,
  type SendBody,
} from "./wire.js";

/*
 * A local stand-in for the Graph API endpoints Threadline calls (Send API, User Profile API) for Messenger and
 * for Instagram (the Messenger Platform's, with the Page token), and for Meta's CDN. Wire formats: shared
 * reference, protocols.md §5; instagram.ts for what Instagram does differently.
 */

const defaultFields = new Set(["id", "name", "first_name", "last_name", "profile_pic"]);

export class GraphSimulator {
  readonly sends: RecordedSend[] = [];
  /** Notified at every accepted send, so a view of the customers' side can refresh (the demo). */
  readonly changes = new Changes();
  /** Profiles by PSID; an unknown PSID gets Graph's "object does not exist". */
  readonly profiles = new Map<string, Profile>();
  /** The PSIDs whose profile was asked for, in order. */
  readonly profileRequests: string[] = [];
  /** While set, every profile request gets this answer. */
  profileFailure: GraphFailure | null = null;
  /** The Page the access token belongs to: what `GET /me` answers with a Page token. */
  page = { id: "104857600000001", name: "Threadline Test Page" };
  /** The Instagram professional account linked to the Page; null: none linked. */
  instagram: InstagramAccount | null = { id: "17841400000000001", username: "threadline.shop" };
  /** Instagram users by IGSID: a send to one of them follows Instagram's rules, and so does their profile. */
  readonly instagramProfiles = new Map<string, InstagramProfile>();
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

  static async start(options: { accessToken: string; version?: string }): Promise<GraphSimulator> {
    let graph: GraphSimulator | undefined;
    const server = await listen((req, url) => (graph as GraphSimulator).handle(req, url));
    graph = new GraphSimulator(server, options.accessToken, options.version ?? "v24.0");
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
    const instagram = body && this.instagramProfiles.has(body.recipient.id);
    const forInstagram = instagram
      ? page === this.instagram?.id
        ? "(#100) Instagram messages are sent through the Page: POST /me/messages or /<PAGE_ID>/messages"
        : instagramSendProblem(body)
      : null;
    if (problem ?? forInstagram) return this.fail(failure(400, 100, (problem ?? forInstagram) as string));
    const fault = this.sendFaults.take();
    if (fault) return this.fail(fault);
    const messageId = `m_fake${++this.sequence}`;
    this.sends.push({ page, body: body as SendBody, messageId, at: new Date() });
    this.changes.notify();
    return json({ recipient_id: body?.recipient.id, message_id: messageId });
  }

  private profile(psid: string, url: URL): Reply {
    if (psid === "me") {
      const fields = (url.searchParams.get("fields") ?? "id,name").split(",");
      const page: Record<string, unknown> = {
        ...this.page,
        instagram_business_account: this.instagram ? { id: this.instagram.id } : undefined,
      };
      return json(Object.fromEntries(fields.map((field) => [field, page[field]])));
    }
    this.profileRequests.push(psid);
    const instagram = this.instagramProfiles.get(psid);
    if (instagram) return this.instagramProfile(psid, instagram, url);
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

  private instagramProfile(igsid: string, profile: InstagramProfile, url: URL): Reply {
    const fields = (url.searchParams.get("fields") ?? "name,username,profile_pic").split(",");
    if (fields.some((field) => !instagramProfileFields.has(field))) {
      return this.fail(graphErrors.profilePermission);
    }
    if (this.profileFailure) return this.fail(this.profileFailure);
    const full: Record<string, unknown> = { ...profile, id: igsid };
    return json(Object.fromEntries(fields.flatMap((field) => (field in full ? [[field, full[field]]] : []))));
  }

  private fail(fault: GraphFailure): Reply {
    return json({ error: fault.error }, fault.status);
  }
}
