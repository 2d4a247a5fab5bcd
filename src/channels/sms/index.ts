import type { SmsConfig } from "../../config.js";
import { DeliveryError } from "../../errors.js";
import type { ChannelModule } from "../types.js";
import { formatPhoneNumber, parsePhoneNumber } from "./address.js";
import { createSmsSender, createSmsSentFinder } from "./sender.js";
import { createTwilioClient, type TwilioClient } from "./twilio-client.js";
import { registerSmsWebhooks, smsStatusPath } from "./webhook.js";

export function createSmsChannel(
  config: SmsConfig | null,
  publicUrl: string,
  overrides: { twilioClient?: TwilioClient } = {},
): ChannelModule {
  const client = config ? (overrides.twilioClient ?? createTwilioClient(config)) : null;
  const send = client ? createSmsSender(client, publicUrl + smsStatusPath) : null;
  const findSent = client ? createSmsSentFinder(client) : null;
  return {
    channel: {
      kind: "sms",
      label: "SMS",
      addressExample: "+15550001111 (E.164: + and country code)",
      enabled: send !== null,
      parseInboxAddress: parsePhoneNumber,
      formatAddress: formatPhoneNumber,
      send: async (request) => {
        if (!send) throw new DeliveryError("CHANNEL_DISABLED", "SMS is not configured", { transient: false });
        return send(request);
      },
      ...(findSent ? { findSent } : {}),
    },
    registerWebhooks: (server, deps) => registerSmsWebhooks(server, config, publicUrl, deps),
  };
}
