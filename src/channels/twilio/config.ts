import { z } from "zod";
import { httpUrl, isSet, optional, withDefault } from "../../env-schema.js";
import { isPhoneCountry } from "./phone.js";

/** One Twilio account serves every Twilio channel (its Auth Token also signs the webhooks). */
export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiUrl: string;
  /**
   * Whether a new SMS contact's name is looked up (Twilio Lookup's caller name, CNAM: US numbers only, billed
   * per lookup), so threads and `find` know customers by name as well as by number.
   */
  readonly lookupCallerNames: boolean;
  /** ISO 3166 alpha-2 codes of the countries agents may text first (SMS_COUNTRIES); null: the connected numbers'. */
  readonly countries: readonly string[] | null;
}

export const twilioEnvironment = {
  TWILIO_ACCOUNT_SID: optional.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex characters")
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_API_URL: withDefault(httpUrl("none"), "https://api.twilio.com"),
  TWILIO_CALLER_NAME_LOOKUP: withDefault(
    z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true"),
    "false",
  ),
  // With the other limits on starting conversations (THREADLINE_SENDERS, TEXT_LIMIT_PER_HOUR).
  SMS_COUNTRIES: optional.pipe(
    z
      .string()
      .transform((list) => [...new Set(list.split(",").map((code) => code.trim().toUpperCase()))])
      .superRefine((codes, context) => {
        for (const code of codes.filter((c) => !isPhoneCountry(c))) {
          context.addIssue({
            code: "custom",
            message: `must be ISO 3166 two-letter country codes separated by commas (e.g. US,CA); "${code}" is not one`,
          });
        }
      })
      .optional(),
  ),
};

export const twilioVariables = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"] as const;

export function twilioConfig(environment: Readonly<Record<string, unknown>>): TwilioConfig | null {
  const {
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_API_URL: apiUrl,
    TWILIO_CALLER_NAME_LOOKUP: lookupCallerNames,
    SMS_COUNTRIES: countries,
  } = environment;
  return isSet(accountSid) && isSet(authToken) && isSet(apiUrl)
    ? Object.freeze({
        accountSid,
        authToken,
        apiUrl,
        lookupCallerNames: lookupCallerNames === true,
        countries: Array.isArray(countries) ? Object.freeze([...countries]) : null,
      })
    : null;
}

/** The Auth Token wherever a Twilio channel's config lands in a logged object, and webhook signatures. */
export const twilioRedactPaths = (kind: string) => [
  'headers["x-twilio-signature"]',
  `config.${kind}.authToken`,
  `${kind}.authToken`,
];
