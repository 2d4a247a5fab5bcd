import { DeliveryError } from "../../core/errors.js";
import { GraphRequestError } from "./graph-client.js";

/** How a Meta channel is called in what agents read ("Messenger", "Instagram"), and in error codes. */
export type MetaPlatform = string;

/**
 * Graph error codes (and code/subcode pairs) in words an agent can act on; Messenger and Instagram share
 * them (the Send API is the Messenger Platform's for both). Source: Meta's Messenger Platform error-code
 * reference (see shared/reference/protocols.md §5.4).
 */
const reasons = (platform: MetaPlatform): Record<string, string> => ({
  "10/2018278": `the customer's last message is too old: ${platform} no longer allows a reply (outside the messaging window)`,
  "10/2018065": `the customer's last message is too old: ${platform} no longer allows a reply (outside the messaging window)`,
  "10/2018108": "this person cannot receive messages from the Page",
  "200/1545041": "this person isn't receiving messages from the Page right now",
  "551": "this person isn't available right now (they may have blocked the Page or closed their account)",
  "100/2018001": `no matching ${platform} user (the account may have been deleted)`,
  "100/2018109": `the attachment is larger than ${platform} allows`,
  "190":
    "the Page access token is invalid or expired; ask whoever runs Threadline to renew MESSENGER_PAGE_ACCESS_TOKEN",
  "10": "the app lacks the permission to send this message (e.g. the Human Agent feature for replies after 24 hours)",
});

/**
 * Codes Graph documents as temporary: 1 and 2 (unknown/unexpected error), 4 and 17 and 613 (rate limits),
 * 341 (application limit), 1200 (temporary send failure).
 */
const transientCodes = new Set([1, 2, 4, 17, 341, 613, 1200]);

function key(code: number | undefined, subcode: number | undefined): string[] {
  return [`${code}/${subcode}`, `${code}`];
}

export function graphReason(
  platform: MetaPlatform,
  code: number | undefined,
  subcode: number | undefined,
  message?: string,
): string {
  const label = `${platform} error ${code ?? "unknown"}${subcode ? `/${subcode}` : ""}`;
  const known = key(code, subcode)
    .map((k) => reasons(platform)[k])
    .find(Boolean);
  if (known) return `${known} (${label})`;
  return message ? `${platform} refused the message: ${message} (${label})` : label;
}

/** Network failures that happen before a request is sent (fetch puts Node's code on its `cause`). */
const neverSent = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function failedBeforeSending(error: GraphRequestError): boolean {
  const code = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" && neverSent.has(code);
}

/**
 * Retried: no answer (network, timeout), HTTP 429 and 5xx, and Graph errors marked `is_transient` or with a
 * temporary code. Everything else will fail the same way again and is shown to the agent. A timeout, a reset
 * connection or a 5xx may come after Meta sent the message: `outcomeUnknown` (a 4xx answer is a clear refusal).
 * Error codes start with the platform's name in capitals (`MESSENGER_551`, `INSTAGRAM_551`).
 */
export function classifyGraphError(error: unknown, platform: MetaPlatform): DeliveryError {
  const prefix = platform.toUpperCase();
  if (!(error instanceof GraphRequestError)) {
    return new DeliveryError(`${prefix}_UNEXPECTED`, `unexpected failure calling ${platform}`, {
      transient: true,
      outcomeUnknown: true,
      cause: error,
    });
  }
  const { status, graph } = error;
  const code = graph?.code;
  const subcode = graph?.error_subcode;
  const transient =
    status === null ||
    status === 429 ||
    status >= 500 ||
    graph?.is_transient === true ||
    (code !== undefined && transientCodes.has(code));
  if (transient) {
    const what =
      status === null
        ? `could not reach ${platform}`
        : `${platform} is temporarily unavailable (${graph?.message ?? `HTTP ${status}`})`;
    return new DeliveryError(code === undefined ? `${prefix}_UNAVAILABLE` : `${prefix}_${code}`, what, {
      transient: true,
      outcomeUnknown: status === null ? !failedBeforeSending(error) : status >= 500,
      cause: error,
    });
  }
  return new DeliveryError(
    `${prefix}_${code ?? status}${subcode ? `_${subcode}` : ""}`,
    graphReason(platform, code, subcode, graph?.message),
    { transient: false, cause: error },
  );
}
