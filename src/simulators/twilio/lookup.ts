import { json, type Reply } from "../http.js";
import { defaultMessage, TwilioError } from "./wire.js";

/** Lookup v2's answer for a number, with `caller_name` when asked for (`Fields=caller_name`). */
export function lookUpNumber(callerNames: ReadonlyMap<string, string>, number: string, url: URL): Reply {
  if (!/^\+[1-9]\d{6,14}$/.test(number)) throw new TwilioError(404, 20404, defaultMessage(20404, ""));
  const fields = (url.searchParams.get("Fields") ?? "").split(",");
  const name = callerNames.get(number) ?? null;
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
