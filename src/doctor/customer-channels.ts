import { eachChannel } from "../channels/registry.js";
import type { ChannelOverrides } from "../channels/types.js";
import type { Config } from "../config.js";
import type { CheckResult } from "./result.js";

/**
 * Each channel's own checks, from its folder. Channels sharing a provider return the same check (by name):
 * it is shown once. With no channel configured at all, nothing would ever arrive: that is said first.
 */
export async function checkCustomerChannels(
  config: Config,
  overrides: ChannelOverrides,
): Promise<CheckResult[]> {
  const channels = eachChannel();
  const results = await Promise.all(
    channels.map(([kind, definition]) => definition.doctor(config[kind], overrides)),
  );
  const seen = new Set<string>();
  const checks = results.flat().filter((result) => !seen.has(result.name) && Boolean(seen.add(result.name)));
  if (channels.some(([kind]) => config[kind] !== null)) return checks;
  return [
    {
      name: "Customer channels",
      status: "warn",
      detail:
        "no customer channel is configured: no SMS, WhatsApp or Messenger message can arrive or be sent",
      fix: "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for SMS/MMS and WhatsApp, or MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN for Messenger (see .env.example and docs/INSTALL.md, steps 4 and 5).",
    },
    ...checks,
  ];
}
