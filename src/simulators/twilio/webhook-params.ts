import {
  type AdvancedOptOut,
  API_VERSION,
  type InboundInput,
  type MessageStatus,
  type SentMessage,
  segments,
  sid,
  type TwilioParams,
  type WhatsAppInboundInput,
  whatsappPrefix,
} from "./wire.js";

// The form parameters of Twilio's incoming-message webhook (protocols §4.1), as Twilio sends them.

function country(number: string): string {
  return number.startsWith("+1") ? "US" : "";
}

/** The parameters of an incoming SMS/MMS webhook (§4.1), as Twilio sends them. */
export function smsInboundParams(
  input: InboundInput,
  accountSid: string,
  optOutType: string | undefined,
): { messageSid: string; params: TwilioParams } {
  const media = input.media ?? [];
  const mediaSid = media.map((m) => /\/Messages\/(MM[0-9a-f]{32})\//.exec(m.url)?.[1]).find(Boolean);
  const messageSid = input.messageSid ?? mediaSid ?? sid(media.length > 0 ? "MM" : "SM");
  const params: TwilioParams = {
    ToCountry: country(input.to),
    ToState: "",
    SmsMessageSid: messageSid,
    NumMedia: String(media.length),
    ToCity: "",
    FromZip: "",
    SmsSid: messageSid,
    FromState: "",
    SmsStatus: "received",
    FromCity: "",
    Body: input.body,
    FromCountry: country(input.from),
    To: input.to,
    ToZip: "",
    NumSegments: String(media.length > 0 ? 1 : segments(input.body)),
    MessageSid: messageSid,
    AccountSid: accountSid,
    From: input.from,
    ApiVersion: API_VERSION,
  };
  media.forEach((m, i) => {
    params[`MediaContentType${i}`] = m.contentType;
    params[`MediaUrl${i}`] = m.url;
  });
  if (optOutType) params.OptOutType = optOutType;
  Object.assign(params, input.extraParams);
  return { messageSid, params };
}

/** The parameters of an incoming WhatsApp webhook: `whatsapp:` addresses, `WaId`, `ProfileName` when given, no
 * geographic parameters. */
export function whatsappInboundParams(
  input: WhatsAppInboundInput,
  accountSid: string,
): { messageSid: string; params: TwilioParams } {
  const media = input.media ?? [];
  const messageSid = input.messageSid ?? sid(media.length > 0 ? "MM" : "SM");
  const params: TwilioParams = {
    SmsMessageSid: messageSid,
    NumMedia: String(media.length),
    ProfileName: input.profileName ?? "",
    MessageType: media.length > 0 ? (media[0]?.contentType.split("/")[0] ?? "document") : "text",
    SmsSid: messageSid,
    WaId: input.from.replace(/^\+/, ""),
    SmsStatus: "received",
    Body: input.body,
    To: whatsappPrefix + input.to,
    NumSegments: "1",
    ReferralNumMedia: "0",
    MessageSid: messageSid,
    AccountSid: accountSid,
    From: whatsappPrefix + input.from,
    ApiVersion: API_VERSION,
  };
  if (input.profileName === undefined) delete params.ProfileName;
  media.forEach((m, i) => {
    params[`MediaContentType${i}`] = m.contentType;
    params[`MediaUrl${i}`] = m.url;
  });
  return { messageSid, params };
}

/**
 * The OptOutType an incoming message carries when the number is in a Messaging Service with Advanced Opt-Out.
 * Only the whole body matches, in any case: "sToP" does, "Stop please" does not.
 */
export function optOutType(advancedOptOut: AdvancedOptOut | null, body: string): string | undefined {
  if (!advancedOptOut) return undefined;
  const word = body.toUpperCase();
  return Object.entries(advancedOptOut).find(([, keywords]) =>
    keywords.some((keyword) => keyword.toUpperCase() === word),
  )?.[0];
}

/** The parameters of a status callback (§4.5) for a message the app sent (undefined: one the simulator never sent). */
export function statusCallbackParams(
  accountSid: string,
  message: SentMessage | undefined,
  input: { readonly messageSid: string; readonly status: MessageStatus; readonly errorCode?: number },
): TwilioParams {
  const params: TwilioParams = {
    SmsSid: input.messageSid,
    SmsStatus: input.status,
    MessageStatus: input.status,
    MessageSid: input.messageSid,
    AccountSid: accountSid,
    ApiVersion: API_VERSION,
  };
  if (message) {
    params.To = message.To;
    if (message.From) params.From = message.From;
    if (message.MessagingServiceSid) params.MessagingServiceSid = message.MessagingServiceSid;
  }
  if (message?.To.startsWith(whatsappPrefix)) {
    // WhatsApp's callbacks name the channel, and a read receipt says so as an event (§4.5).
    params.ChannelPrefix = "whatsapp";
    params.ChannelInstallSid = `XE${accountSid.slice(2)}`;
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
  return params;
}
