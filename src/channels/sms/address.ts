import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * Numbers are stored in E.164. "Possible" (right length for the country) rather than "valid" on purpose:
 * test and fictional ranges such as +1 555 01xx are not valid numbers but are real Twilio test numbers.
 */
export function parsePhoneNumber(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed.startsWith("+")) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed?.isPossible() ? parsed.number : null;
}

export function formatPhoneNumber(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
