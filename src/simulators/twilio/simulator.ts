import type { IncomingMessage } from "node:http";
import { Changes } from "../changes.js";
import { FaultQueue } from "../faults.js";
import { json, type LocalServer, listen, type Reply, readBody } from "../http.js";
import { lookUpNumber } from "./lookup.js";
import { MessagesApi } from "./messages-api.js";
import { postSigned } from "./webhook-client.js";
import {
  optOutType,
  smsInboundParams,
  statusCallbackParams,
  whatsappInboundParams,
} from "./webhook-params.js";
import {
  type AdvancedOptOut,
  API_VERSION,
  defaultMessage,
  groupFields,
  type InboundInput,
  type MessageStatus,
  rfc2822,
  type SentMessage,
  type SignatureOverride,
  sid,
  TwilioError,
  type TwilioFault,
  type TwilioParams,
  type TwilioRequest,
  twilioSignature,
  type WebhookResult,
  type WhatsAppInboundInput,
} from "./wire.js";

/** Twilio's REST API for Messages and media, plus the webhook client that calls the app like Twilio does. */
export class TwilioSimulator {
  readonly accountSid: string;
  readonly authToken: string;
  readonly baseUrl: string;
  readonly sent: SentMessage[] = [];
  readonly requests: TwilioRequest[] = [];
  /** What GET /Accounts/{sid}.json reports: "active", or "suspended" / "closed" to test the doctor. */
  accountStatus: "active" | "suspended" | "closed" = "active";
  /** Notified after every request the app makes (a message sent, a media fetch). */
  readonly changes = new Changes();
  /** Set to put the number in a Messaging Service with Advanced Opt-Out; null: Twilio's default handling. */
  advancedOptOut: AdvancedOptOut | null = null;
  /**
   * How long every answer takes after the request took effect (a message accepted and in the log): a slow Twilio,
   * whose caller may die before it hears. Read when the request arrives.
   */
  answerDelayMs = 0;
  /** The simulator's clock (epoch ms), for WhatsApp's 24-hour window; tests move it. */
  now: () => number = Date.now;
  /** Approved Content Templates (WhatsApp templates) by ContentSid: their body with {{1}}, {{2}}… placeholders. */
  private readonly contentTemplates = new Map<string, string>();
  /** When each WhatsApp user last wrote to each WhatsApp sender: `${sender}|${user}` (E.164) → epoch ms. */
  private readonly whatsappSessions = new Map<string, number>();
  private down = false;
  /** null lets a request through: how a fault waits for its turn (`after`). */
  private readonly faults = new FaultQueue<TwilioFault | null>();
  /** null lets a read of the log through: how a fault waits for its turn (`after`). */
  private readonly listFaults = new FaultQueue<Omit<TwilioFault, "accepted"> | null>();
  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>();
  /** Caller names (CNAM) Lookup knows, by E.164 number. */
  private readonly callerNames = new Map<string, string>();
  private readonly messagesApi: MessagesApi;

  private constructor(
    private readonly server: LocalServer,
    accountSid: string,
    authToken: string,
  ) {
    if (!accountSid.startsWith("AC"))
      throw new Error("twilio-node rejects account SIDs that do not start with AC");
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.baseUrl = server.origin;
    this.messagesApi = new MessagesApi({
      accountSid,
      sent: this.sent,
      faults: this.faults,
      listFaults: this.listFaults,
      contentTemplates: this.contentTemplates,
      whatsappSessions: this.whatsappSessions,
      now: () => this.now(),
    });
  }

  static async start(
    options: { accountSid?: string; authToken?: string; port?: number } = {},
  ): Promise<TwilioSimulator> {
    let simulator: TwilioSimulator;
    const server = await listen(async (req, url) => {
      const delayMs = simulator.answerDelayMs;
      const reply = await simulator.route(req, url);
      simulator.changes.notify();
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return reply;
    }, options.port);
    simulator = new TwilioSimulator(
      server,
      options.accountSid ?? sid("AC"),
      options.authToken ?? "test-auth-token",
    );
    return simulator;
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  /**
   * The next Messages create calls answer with Twilio's legacy error JSON; with `after`, only once that many
   * have succeeded (e.g. the second part of a long reply).
   */
  failNext(fault: TwilioFault & { after?: number }): void {
    if (fault.after) this.faults.add(null, fault.after);
    this.faults.add(fault, fault.times);
  }

  /**
   * The next reads of the message log (GET Messages.json) answer with Twilio's legacy error JSON; `after`: once
   * that many reads have answered normally.
   */
  failNextList(fault: Omit<TwilioFault, "accepted"> & { after?: number }): void {
    if (fault.after) this.listFaults.add(null, fault.after);
    this.listFaults.add(fault, fault.times);
  }

  /** While down, every REST call answers 503. */
  setDown(down: boolean): void {
    this.down = down;
  }

  /** Hosts bytes like Twilio's media URLs (Basic auth required); returns the URL to put in MediaUrlN. */
  addMedia(bytes: Buffer, contentType: string, opts: { messageSid?: string } = {}): string {
    const path = `/${API_VERSION}/Accounts/${this.accountSid}/Messages/${opts.messageSid ?? sid("MM")}/Media/${sid("ME")}`;
    this.media.set(path, { bytes, contentType });
    return this.baseUrl + path;
  }

  /** What Twilio Lookup's caller name (CNAM) says for `number`; a number without one answers null. */
  setCallerName(number: string, name: string): void {
    this.callerNames.set(number, name);
  }

  /** Registers an approved Content Template; returns its ContentSid (HX…). */
  addContentTemplate(body: string): string {
    const contentSid = sid("HX");
    this.contentTemplates.set(contentSid, body);
    return contentSid;
  }

  signature(url: string, params: TwilioParams): string {
    return twilioSignature(this.authToken, url, params);
  }

  /**
   * Posts an incoming SMS/MMS to `webhookUrl` (where the app listens) signed for `publicUrl` (the URL the
   * app believes Twilio calls). Media URLs from addMedia share their message SID with the webhook.
   */
  async sendInbound(
    input: InboundInput & { webhookUrl: string; publicUrl: string; signature?: SignatureOverride },
  ): Promise<WebhookResult> {
    const { messageSid, params } = this.inboundParams(input);
    const answer = await postSigned(
      this.authToken,
      input.webhookUrl,
      input.publicUrl,
      params,
      input.signature,
    );
    return { ...answer, messageSid, params };
  }

  /** The parameters of an incoming SMS/MMS webhook (§4.1), as Twilio sends them. */
  inboundParams(input: InboundInput): { messageSid: string; params: TwilioParams } {
    return smsInboundParams(input, this.accountSid, optOutType(this.advancedOptOut, input.body));
  }

  /**
   * Posts an incoming WhatsApp message (Twilio's incoming-message webhook for a WhatsApp sender): `From` and
   * `To` are `whatsapp:`-prefixed, `WaId` is the sender's WhatsApp id (their number's digits) and `ProfileName`
   * their WhatsApp profile name when given; no geographic parameters. It opens the 24-hour window.
   */
  async sendWhatsAppInbound(
    input: WhatsAppInboundInput & { webhookUrl: string; publicUrl: string; signature?: SignatureOverride },
  ): Promise<WebhookResult> {
    const { messageSid, params } = this.whatsappInboundParams(input);
    this.whatsappSessions.set(`${input.to}|${input.from}`, this.now());
    const answer = await postSigned(
      this.authToken,
      input.webhookUrl,
      input.publicUrl,
      params,
      input.signature,
    );
    return { ...answer, messageSid, params };
  }

  whatsappInboundParams(input: WhatsAppInboundInput): { messageSid: string; params: TwilioParams } {
    return whatsappInboundParams(input, this.accountSid);
  }

  /** Posts a status callback (§4.5) for a message the app sent, and records the new status. */
  async sendStatusCallback(input: {
    webhookUrl: string;
    /** Defaults to the StatusCallback the app gave when sending. */
    publicUrl?: string;
    messageSid: string;
    status: MessageStatus;
    errorCode?: number;
    signature?: SignatureOverride;
  }): Promise<WebhookResult> {
    const message = this.sent.find((m) => m.sid === input.messageSid);
    const publicUrl = input.publicUrl ?? message?.StatusCallback;
    if (!publicUrl)
      throw new Error(`no publicUrl given and no StatusCallback recorded for ${input.messageSid}`);
    if (message) {
      message.status = input.status;
      message.errorCode = input.errorCode ?? message.errorCode;
      message.updatedAt = new Date();
    }
    const params = statusCallbackParams(this.accountSid, message, input);
    const answer = await postSigned(this.authToken, input.webhookUrl, publicUrl, params, input.signature);
    return { ...answer, messageSid: input.messageSid, params };
  }

  private async route(req: IncomingMessage, url: URL): Promise<Reply> {
    const body = await readBody(req);
    const params = groupFields(body.fields);
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      params,
      at: new Date(),
    });
    try {
      if (this.down) throw new TwilioError(503, 20503, defaultMessage(20503, ""));
      this.authenticate(req);
      // Lookup v2 (lookups.twilio.com, reached through TWILIO_API_URL like the rest).
      const lookup = /^\/v2\/PhoneNumbers\/([^/]+)$/.exec(url.pathname);
      if (lookup && req.method === "GET")
        return lookUpNumber(this.callerNames, decodeURIComponent(lookup[1] ?? ""), url);
      const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
      if (account && req.method === "GET") {
        if (account[1] !== this.accountSid) throw this.notFound();
        return this.fetchAccount();
      }
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!match || match[1] !== this.accountSid) throw this.notFound();
      const rest = match[2] ?? "";
      if (rest === "Messages.json" && req.method === "POST") return this.messagesApi.create(params);
      if (rest === "Messages.json" && req.method === "GET") return this.messagesApi.list(url);
      const fetchMatch = /^Messages\/(\w+)\.json$/.exec(rest);
      if (fetchMatch && req.method === "GET") return this.messagesApi.fetchMessage(fetchMatch[1] ?? "");
      const media = this.media.get(url.pathname);
      if (media && req.method === "GET") {
        return { status: 200, body: media.bytes, headers: { "content-type": media.contentType } };
      }
      throw this.notFound();
    } catch (err) {
      if (!(err instanceof TwilioError)) throw err;
      const headers: Record<string, string> =
        err.status === 401 ? { "www-authenticate": 'Basic realm="Twilio API"' } : {};
      const body = {
        code: err.code,
        message: err.message,
        more_info: `https://www.twilio.com/docs/errors/${err.code}`,
        status: err.status,
      };
      return json(body, err.status, headers);
    }
  }

  private authenticate(req: IncomingMessage): void {
    const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const expected = `${this.accountSid}:${this.authToken}`;
    if (!match?.[1] || Buffer.from(match[1], "base64").toString("utf8") !== expected) {
      throw new TwilioError(401, 20003, defaultMessage(20003, ""));
    }
  }

  private notFound(): TwilioError {
    return new TwilioError(404, 20404, defaultMessage(20404, ""));
  }

  private fetchAccount(): Reply {
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}.json`;
    return json({
      auth_token: this.authToken,
      date_created: rfc2822(new Date(0)),
      date_updated: rfc2822(new Date(0)),
      friendly_name: "Threadline test account",
      owner_account_sid: this.accountSid,
      sid: this.accountSid,
      status: this.accountStatus,
      subresource_uris: { messages: uri.replace(/\.json$/, "/Messages.json") },
      type: "Full",
      uri,
    });
  }
}
