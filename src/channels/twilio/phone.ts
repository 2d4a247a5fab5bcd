import { parsePhoneNumberFromString } from "libphonenumber-js";

/* Phone numbers as Twilio's channels (SMS, WhatsApp) read and show them. */

/** What `parsePhoneNumber` answered for the latest inputs: every webhook parses the same inbox number again. */
const parsed = new Map<string, string | null>();
const maxRemembered = 5_000;

/**
 * Numbers are stored in E.164. "Possible" (right length for the country) rather than "valid" on purpose:
 * test and fictional ranges such as +1 555 01xx are not valid numbers but are real Twilio test numbers.
 */
export function parsePhoneNumber(input: string): string | null {
  const known = parsed.get(input);
  if (known !== undefined) return known;
  const trimmed = input.trim();
  const number = trimmed.startsWith("+") ? parsePhoneNumberFromString(trimmed) : undefined;
  const result = number?.isPossible() ? number.number : null;
  parsed.set(input, result);
  if (parsed.size > maxRemembered) parsed.delete(parsed.keys().next().value as string);
  return result;
}

/** How each recent number is shown: every post to Slack names its contact, and formatting parses the number. */
const formatted = new Map<string, string>();

export function formatPhoneNumber(e164: string): string {
  const known = formatted.get(e164);
  if (known !== undefined) return known;
  const shown = parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
  formatted.set(e164, shown);
  if (formatted.size > maxRemembered) formatted.delete(formatted.keys().next().value as string);
  return shown;
}
