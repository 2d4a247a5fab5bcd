import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Changes } from "./changes.js";
import { FaultQueue } from "./faults.js";
import { json, type LocalServer, listen, type Reply, readBody } from "./http.js";
import { smsInboundParams, whatsappInboundParams } from "./twilio/webhook-params.js";
import {
  type AdvancedOptOut,
  API_VERSION,
  contentSidPattern,
  DEFAULT_CODES,
  defaultMessage,
  groupFields,
  type InboundInput,
  type MessageStatus,
  many,
  rfc2822,
  type SentMessage,
  type SignatureOverride,
  segments,
  sid,
  single,
  TwilioError,
  type TwilioFault,
  type TwilioParams,
  type TwilioRequest,
  twilioSignature,
  type WebhookResult,
  type WhatsAppInboundInput,
  whatsappPrefix,
  whatsappWindowMs,
} from "./twilio/wire.js";

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
  /** The simulator's clock (epoch ms), for WhatsApp's 24-hour window; tests move it. */
  now: () => number = Date.now;
  /** Approved Content Templates (WhatsApp templates) by ContentSid: their body with {{1}}, {{2}}… placeholders. */
  private readonly contentTemplates = new Map<string, string>();
  /** When each WhatsApp user last wrote to each WhatsApp sender: `${sender}|${user}` (E.164) → epoch ms. */
  private readonly whatsappSessions = new Map<string, number>();
  private down = false;
  /** null lets a request through: how a fault waits for its turn (`after`). */
  private readonly faults = new FaultQueue<TwilioFault | null>();
  private readonly listFaults = new FaultQueue<Omit<TwilioFault, "accepted">>();
  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>();
  /** Caller names (CNAM) Lookup knows, by E.164 number. */
  private readonly callerNames = new Map<string, string>();

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
  }

  static async start(
    options: { accountSid?: string; authToken?: string; port?: number } = {},
  ): Promise<TwilioSimulator> {
    let simulator: TwilioSimulator;
    const server = await listen(async (req, url) => {
      const reply = await simulator.route(req, url);
      simulator.changes.notify();
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

  /** The next reads of the message log (GET Messages.json) answer with Twilio's legacy error JSON. */
  failNextList(fault: Omit<TwilioFault, "accepted">): void {
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
    const answer = await this.postSigned(input.webhookUrl, input.publicUrl, params, input.signature);
    return { ...answer, messageSid, params };
  }

  /** The parameters of an incoming SMS/MMS webhook (§4.1), as Twilio sends them. */
  inboundParams(input: InboundInput): { messageSid: string; params: TwilioParams } {
    return smsInboundParams(input, this.accountSid, this.optOutType(input.body));
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
    const answer = await this.postSigned(input.webhookUrl, input.publicUrl, params, input.signature);
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
    const params: TwilioParams = {
      SmsSid: input.messageSid,
      SmsStatus: input.status,
      MessageStatus: input.status,
      MessageSid: input.messageSid,
      AccountSid: this.accountSid,
      ApiVersion: API_VERSION,
    };
    if (message) {
      params.To = message.To;
      if (message.From) params.From = message.From;
      if (message.MessagingServiceSid) params.MessagingServiceSid = message.MessagingServiceSid;
      message.status = input.status;
      message.errorCode = input.errorCode ?? message.errorCode;
      message.updatedAt = new Date();
    }
    if (message?.To.startsWith(whatsappPrefix)) {
      // WhatsApp's callbacks name the channel, and a read receipt says so as an event (§4.5).
      params.ChannelPrefix = "whatsapp";
      params.ChannelInstallSid = `XE${this.accountSid.slice(2)}`;
      params.ChannelToAddress = message.To.slice(whatsappPrefix.length).replace(/^\+/, "");
      if (input.status === "read") params.EventType = "READ";
    }
    // A failure the simulator decided itself (63016 outside the window) is reported unless the test names one.
    const failed = input.status === "failed" || input.status === "undelivered";
    const errorCode = input.errorCode ?? (failed ? message?.errorCode : null);
    if (errorCode !== null && errorCode !== undefined) params.ErrorCode = String(errorCode);
    if (input.status === "delivered" || input.status === "undelivered") {
      params.RawDlrDoneDate = new Date().toISOString().replace(/\D/g, "").slice(2, 12);
    }
    const answer = await this.postSigned(input.webhookUrl, publicUrl, params, input.signature);
    return { ...answer, messageSid: input.messageSid, params };
  }

  /** Only the whole body matches, in any case: "sToP" does, "Stop please" does not. */
  private optOutType(body: string): string | undefined {
    if (!this.advancedOptOut) return undefined;
    const word = body.toUpperCase();
    return Object.entries(this.advancedOptOut).find(([, keywords]) =>
      keywords.some((keyword) => keyword.toUpperCase() === word),
    )?.[0];
  }

  private async postSigned(
    webhookUrl: string,
    publicUrl: string,
    params: TwilioParams,
    signature: SignatureOverride,
  ): Promise<{ status: number; body: string }> {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
    }
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "TwilioProxy/1.1",
      "i-twilio-idempotency-token": randomUUID(),
    };
    // Connection overrides (`#rc=3&rp=all`) ride in the configured URL's fragment, which is never part of an
    // HTTP request: Twilio reads them and requests, and signs, the URL without it.
    const requested = publicUrl.split("#")[0] as string;
    const header = signature === undefined ? this.signature(requested, params) : signature;
    if (header !== null) headers["x-twilio-signature"] = header;
    const response = await fetch(webhookUrl, { method: "POST", headers, body: form.toString() });
    return { status: response.status, body: await response.text() };
  }

  /** Lookup v2's answer for a number, with `caller_name` when asked for (`Fields=caller_name`). */
  private lookUp(number: string, url: URL): Reply {
    if (!/^\+[1-9]\d{6,14}$/.test(number)) throw new TwilioError(404, 20404, defaultMessage(20404, ""));
    const fields = (url.searchParams.get("Fields") ?? "").split(",");
    const name = this.callerNames.get(number) ?? null;
    return json({
      calling_country_code: number.startsWith("+1") ? "1" : null,
      country_code: number.startsWith("+1") ? "US" : null,
      phone_number: number,
      national_format: number,
      valid: true,
      validation_errors: [],
      caller_name: fields.includes("caller_name")
        ? { caller_name: name, caller_type: name ? "CONSUMER" : null, error_code: null }
        : null,
      url: `https://lookups.twilio.com/v2/PhoneNumbers/${encodeURIComponent(number)}`,
    });
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
      if (lookup && req.method === "GET") return this.lookUp(decodeURIComponent(lookup[1] ?? ""), url);
      const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
      if (account && req.method === "GET") {
        if (account[1] !== this.accountSid) throw this.notFound();
        return this.fetchAccount();
      }
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!match || match[1] !== this.accountSid) throw this.notFound();
      const rest = match[2] ?? "";
      if (rest === "Messages.json" && req.method === "POST") return this.create(params);
      if (rest === "Messages.json" && req.method === "GET") return this.list(url);
      const fetchMatch = /^Messages\/(\w+)\.json$/.exec(rest);
      if (fetchMatch && req.method === "GET") return this.fetchMessage(fetchMatch[1] ?? "");
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

  private create(params: TwilioParams): Reply {
    const to = single(params, "To") ?? "";
    const fault = this.faults.take();
    const failure = () => {
      const code = fault?.code ?? DEFAULT_CODES[fault?.status ?? 500] ?? 20500;
      return new TwilioError(fault?.status ?? 500, code, fault?.message ?? defaultMessage(code, to));
    };
    if (fault && !fault.accepted) throw failure();
    const from = single(params, "From");
    const service = single(params, "MessagingServiceSid");
    const contentSid = single(params, "ContentSid");
    const content = this.content(contentSid, single(params, "ContentVariables"));
    const text = content?.body ?? single(params, "Body") ?? "";
    const mediaUrls = many(params, "MediaUrl");
    if (!to) throw new TwilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !service) throw new TwilioError(400, 21603, "A 'From' phone number is required.");
    if (!text && mediaUrls.length === 0 && !contentSid) {
      throw new TwilioError(400, 21602, "Message body is required.");
    }
    const whatsapp = to.startsWith(whatsappPrefix);
    const number = whatsapp ? to.slice(whatsappPrefix.length) : to;
    if (!/^\+[1-9]\d{1,14}$/.test(number)) throw new TwilioError(400, 21211, defaultMessage(21211, to));
    if (whatsapp && from && !from.startsWith(whatsappPrefix)) {
      throw new TwilioError(400, 63007, defaultMessage(63007, to));
    }
    if (text.length > 1600) {
      throw new TwilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    }
    // Outside WhatsApp's 24-hour window Twilio accepts a free-form message, then it fails with 63016.
    const session =
      whatsapp && from
        ? this.whatsappSessions.get(`${from.slice(whatsappPrefix.length)}|${number}`)
        : undefined;
    const outsideWindow =
      whatsapp && !contentSid && (session === undefined || this.now() - session > whatsappWindowMs);
    const now = new Date();
    const message: SentMessage = {
      sid: sid("SM"),
      To: to,
      Body: text,
      MediaUrl: mediaUrls,
      ...(contentSid && { ContentSid: contentSid }),
      ...(content?.variables && { ContentVariables: content.variables }),
      // A Messaging Service accepts first and picks the sender later (protocols §4.3).
      status: outsideWindow ? "failed" : service ? "accepted" : "queued",
      errorCode: outsideWindow ? 63016 : null,
      at: now,
      updatedAt: now,
      ...(from && { From: from }),
      ...(service && { MessagingServiceSid: service }),
      ...(single(params, "StatusCallback") && { StatusCallback: single(params, "StatusCallback") }),
    };
    this.sent.push(message);
    if (fault?.accepted === "answer_error") throw failure();
    if (fault?.accepted === "drop_connection") {
      return { status: 201, body: "", stream: (res) => res.socket?.destroy() };
    }
    return json(this.messageJson(message), 201);
  }

  /**
   * A Content Template and its variables as Twilio checks them: the ContentSid must be HX + 32 hex and known
   * (21655), ContentVariables needs a ContentSid (21654) and must be a JSON object of non-empty strings without
   * newlines, tabs or runs of more than four spaces (21656). The body is the template with its {{n}} filled in.
   */
  private content(
    contentSid: string | undefined,
    variablesJson: string | undefined,
  ): { body: string; variables?: Record<string, string> } | null {
    if (!contentSid) {
      if (variablesJson !== undefined) throw new TwilioError(400, 21654, defaultMessage(21654, ""));
      return null;
    }
    const template = contentSidPattern.test(contentSid) ? this.contentTemplates.get(contentSid) : undefined;
    if (template === undefined) throw new TwilioError(400, 21655, defaultMessage(21655, ""));
    if (variablesJson === undefined) return { body: template };
    let variables: unknown;
    try {
      variables = JSON.parse(variablesJson);
    } catch {
      throw new TwilioError(400, 21656, defaultMessage(21656, ""));
    }
    const valid =
      typeof variables === "object" &&
      variables !== null &&
      !Array.isArray(variables) &&
      Object.values(variables).every(
        (value) => typeof value === "string" && value !== "" && !/[\n\t]| {5,}/.test(value),
      );
    if (!valid) throw new TwilioError(400, 21656, defaultMessage(21656, ""));
    const given = variables as Record<string, string>;
    return {
      body: template.replace(/\{\{(\d+)\}\}/g, (placeholder, n: string) => given[n] ?? placeholder),
      variables: given,
    };
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

  private fetchMessage(messageSid: string): Reply {
    const message = this.sent.find((m) => m.sid === messageSid);
    if (!message) throw this.notFound();
    return json(this.messageJson(message));
  }

  /** Newest first, filtered by To, From and DateSent / DateSent> / DateSent< like Twilio's list. */
  private list(url: URL): Reply {
    const fault = this.listFaults.take();
    if (fault) {
      const code = fault.code ?? DEFAULT_CODES[fault.status] ?? 20500;
      throw new TwilioError(fault.status, code, fault.message ?? defaultMessage(code, ""));
    }
    const query = url.searchParams;
    const to = query.get("To");
    const from = query.get("From");
    const exact = query.get("DateSent");
    const after = query.get("DateSent>");
    const before = query.get("DateSent<");
    const dayOf = (d: Date) => d.toISOString().slice(0, 10);
    const matches = this.sent
      .filter((m) => !to || m.To === to)
      .filter((m) => !from || m.From === from)
      .filter(
        (m) => !exact || (exact.length === 10 ? dayOf(m.at) === exact : m.at.getTime() === Date.parse(exact)),
      )
      .filter(
        (m) => !after || (after.length === 10 ? dayOf(m.at) >= after : m.at.getTime() >= Date.parse(after)),
      )
      .filter(
        (m) =>
          !before || (before.length === 10 ? dayOf(m.at) <= before : m.at.getTime() <= Date.parse(before)),
      )
      .reverse();
    const pageSize = Math.min(Math.max(Number(query.get("PageSize") ?? 50) || 50, 1), 1000);
    const pageNumber = Math.max(Number(query.get("Page") ?? 0) || 0, 0);
    const start = pageNumber * pageSize;
    const items = matches.slice(start, start + pageSize);
    const pageUri = (n: number) => {
      const q = new URLSearchParams(query);
      q.set("PageSize", String(pageSize));
      q.set("Page", String(n));
      return `${url.pathname}?${q}`;
    };
    return json({
      first_page_uri: pageUri(0),
      end: start + Math.max(items.length - 1, 0),
      previous_page_uri: pageNumber > 0 ? pageUri(pageNumber - 1) : null,
      messages: items.map((m) => this.messageJson(m)),
      uri: pageUri(pageNumber),
      page_size: pageSize,
      start,
      next_page_uri: start + pageSize < matches.length ? pageUri(pageNumber + 1) : null,
      page: pageNumber,
    });
  }

  private messageJson(message: SentMessage): Record<string, unknown> {
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}/Messages/${message.sid}.json`;
    return {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: message.Body,
      date_created: rfc2822(message.at),
      date_sent: rfc2822(message.at),
      date_updated: rfc2822(message.updatedAt),
      direction: "outbound-api",
      error_code: message.errorCode,
      error_message: null,
      from: message.From ?? null,
      messaging_service_sid: message.MessagingServiceSid ?? null,
      num_media: String(message.MediaUrl.length),
      num_segments: String(message.MediaUrl.length > 0 ? 1 : segments(message.Body)),
      price: null,
      price_unit: "USD",
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
      to: message.To,
      uri,
    };
  }
}
