import type { FaultQueue } from "../faults.js";
import { json, type Reply } from "../http.js";
import {
  API_VERSION,
  contentSidPattern,
  DEFAULT_CODES,
  defaultMessage,
  many,
  rfc2822,
  type SentMessage,
  segments,
  sid,
  single,
  TwilioError,
  type TwilioFault,
  type TwilioParams,
  whatsappPrefix,
  whatsappWindowMs,
} from "./wire.js";

/** What the Messages resource reads and changes; the simulator owns it and arranges it for tests. */
export interface MessagesState {
  readonly accountSid: string;
  readonly sent: SentMessage[];
  /** null lets a request through: how a fault waits for its turn (`after`). */
  readonly faults: FaultQueue<TwilioFault | null>;
  readonly listFaults: FaultQueue<Omit<TwilioFault, "accepted"> | null>;
  /** Approved Content Templates (WhatsApp templates) by ContentSid: their body with {{1}}, {{2}}… placeholders. */
  readonly contentTemplates: ReadonlyMap<string, string>;
  /** When each WhatsApp user last wrote to each WhatsApp sender: `${sender}|${user}` (E.164) → epoch ms. */
  readonly whatsappSessions: ReadonlyMap<string, number>;
  /** The simulator's clock (epoch ms), for WhatsApp's 24-hour window. */
  now(): number;
}

/** Twilio's Messages resource: create (with its checks and faults), fetch and list, answered as Twilio does. */
export class MessagesApi {
  constructor(private readonly state: MessagesState) {}

  create(params: TwilioParams): Reply {
    const to = single(params, "To") ?? "";
    const fault = this.state.faults.take();
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
        ? this.state.whatsappSessions.get(`${from.slice(whatsappPrefix.length)}|${number}`)
        : undefined;
    const outsideWindow =
      whatsapp && !contentSid && (session === undefined || this.state.now() - session > whatsappWindowMs);
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
    this.state.sent.push(message);
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
    const template = contentSidPattern.test(contentSid)
      ? this.state.contentTemplates.get(contentSid)
      : undefined;
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

  fetchMessage(messageSid: string): Reply {
    const message = this.state.sent.find((m) => m.sid === messageSid);
    if (!message) throw new TwilioError(404, 20404, defaultMessage(20404, ""));
    return json(this.messageJson(message));
  }

  /** Newest first, filtered by To, From and DateSent / DateSent> / DateSent< like Twilio's list. */
  list(url: URL): Reply {
    const fault = this.state.listFaults.take();
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
    const matches = this.state.sent
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
    const uri = `/${API_VERSION}/Accounts/${this.state.accountSid}/Messages/${message.sid}.json`;
    return {
      account_sid: this.state.accountSid,
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
