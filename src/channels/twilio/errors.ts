import { DeliveryError } from "../../core/errors.js";

/** Twilio error codes (shared by its channels) in the words an agent can act on. Source: Twilio's error dictionary. */
const reasons: Record<number, string> = {
  21211: "the phone number is not valid",
  21408: "sending to that country is not enabled on the Twilio account",
  21606: "the inbox number cannot send SMS",
  21610: "the customer has opted out (texted STOP)",
  21612: "the carrier cannot route a message from this number to that one",
  21614: "the number is not a mobile number",
  21617: "the message is too long",
  30003: "the customer's phone is unreachable (off or out of coverage)",
  30004: "the message was blocked by the carrier or the customer",
  30005: "the number is unknown to the carrier",
  30006: "the number is a landline or its carrier cannot receive texts",
  30007: "the carrier filtered it as spam",
  30008: "the carrier gave an unknown error",
};

export function twilioReason(code: number | string | undefined): string {
  const known = code === undefined ? undefined : reasons[Number(code)];
  return known ? `${known} (Twilio error ${code})` : `Twilio error ${code ?? "unknown"}`;
}

interface TwilioFailure {
  status?: number;
  /** Twilio's error code (a number), or, for a request that got no answer, Node's network error code. */
  code?: number | string;
  message?: string;
}

/** Network failures that happen before a request is sent: Twilio cannot have received it. */
const neverSent = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * 4xx answers (bad number, opted out, …) will fail the same way again: permanent. 429, 5xx and network
 * failures are worth retrying. A 429 or a refused connection is a clear "not sent"; a timeout, a connection
 * reset or a 5xx may come after Twilio accepted the message, so the retry looks in the message log first.
 */
export function classifyTwilioError(error: unknown, reason = twilioReason): DeliveryError {
  const failure = (typeof error === "object" && error !== null ? error : {}) as TwilioFailure;
  const status = typeof failure.status === "number" ? failure.status : undefined;
  if (status === undefined || status === 429 || status >= 500) {
    const network = typeof failure.code === "string" ? failure.code : undefined;
    const what =
      status === undefined
        ? `could not reach Twilio (${network ?? "no answer"})`
        : `Twilio answered ${status}`;
    return new DeliveryError(status === 429 ? "TWILIO_RATE_LIMITED" : "TWILIO_UNAVAILABLE", what, {
      transient: true,
      outcomeUnknown: status === undefined ? !(network && neverSent.has(network)) : status !== 429,
      cause: error,
    });
  }
  return new DeliveryError(`TWILIO_${failure.code ?? status}`, reason(failure.code ?? status), {
    transient: false,
    cause: error,
  });
}
