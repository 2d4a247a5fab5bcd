import type { CheckResult } from "../../doctor/result.js";
import type { ChannelOverrides } from "../types.js";
import { createTwilioClient } from "./client.js";
import type { TwilioConfig } from "./config.js";
import { fetchTwilioAccount } from "./probe.js";

/**
 * The Twilio credentials, checked by fetching the account they belong to. Every Twilio channel returns this
 * same check (by name); the doctor shows it once.
 */
export async function checkTwilioCredentials(
  config: TwilioConfig | null,
  overrides: ChannelOverrides,
): Promise<CheckResult> {
  const name = "Twilio credentials";
  if (!config) {
    return {
      name,
      status: "skip",
      detail: "the Twilio channels are disabled (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN unset)",
    };
  }
  const client = overrides.twilioClient ?? createTwilioClient(config);
  const account = await fetchTwilioAccount(client, config.accountSid);
  if (account.ok) {
    return account.status === "active"
      ? { name, status: "ok", detail: `account "${account.friendlyName}" is active` }
      : {
          name,
          status: "fail",
          detail: `account "${account.friendlyName}" is ${account.status}; it cannot send messages`,
          fix: "Reactivate the account in the Twilio Console (Billing, or contact Twilio support).",
        };
  }
  if (account.httpStatus === 401 || account.httpStatus === 404) {
    return {
      name,
      status: "fail",
      detail: `Twilio refused the credentials (HTTP ${account.httpStatus}${account.code ? `, error ${account.code}` : ""})`,
      fix: "Copy the Account SID and Auth Token from the Twilio Console (Account Info) into TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. Use the main Auth Token: it also signs the webhooks.",
    };
  }
  return {
    name,
    status: "fail",
    detail: account.httpStatus
      ? `Twilio answered HTTP ${account.httpStatus}: ${account.message}`
      : `Twilio could not be reached: ${account.message}`,
    fix: "Check the network or proxy, and TWILIO_API_URL if you set it; https://status.twilio.com lists outages.",
  };
}
