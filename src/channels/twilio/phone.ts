import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";

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

/**
 * The country an E.164 number is in. A number outside the ranges in use (test and fictional ones such as
 * +1 555 01xx) is placed in its calling code's main country (+1 → US, +44 → GB); a number of an international
 * network (+882, +883, +870) is in none.
 */
export function phoneCountry(e164: string): string | null {
  const number = parsePhoneNumberFromString(e164);
  return number?.country ?? number?.getPossibleCountries()[0] ?? null;
}

/** Whether `code` is an ISO 3166 alpha-2 code of a country that has phone numbers. */
export function isPhoneCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}
