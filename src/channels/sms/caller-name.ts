import type { ContactProfile } from "../../core/model.js";
import type { TwilioClient } from "../twilio/client.js";
import { classifyTwilioError } from "../twilio/errors.js";

/** Carriers' caller-name records are at most 15 characters, often in capitals ("MAYA PATEL"). */
function readable(name: string): string {
  const trimmed = name.replace(/\s+/g, " ").trim();
  if (trimmed !== trimmed.toUpperCase()) return trimmed;
  return trimmed.toLowerCase().replace(/(^|[\s'-])\p{L}/gu, (start) => start.toUpperCase());
}

/**
 * A phone number's registered caller name, from Twilio Lookup (`Fields=caller_name`). Null when the carrier
 * has none (most numbers outside the US, many mobiles); a refused or failed request throws a DeliveryError.
 */
export function createCallerNameLookup(client: TwilioClient) {
  return async function lookupContact(phoneNumber: string): Promise<ContactProfile | null> {
    let answer: { callerName?: { callerName?: string } | null };
    try {
      answer = await client.lookups.v2.phoneNumbers(phoneNumber).fetch({ fields: "caller_name" });
    } catch (error) {
      throw classifyTwilioError(error);
    }
    const name = answer.callerName?.callerName;
    return typeof name === "string" && name.trim() ? { displayName: readable(name), avatarUrl: null } : null;
  };
}
