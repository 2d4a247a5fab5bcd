import type { SmsConfig } from "../../config.js";
import { DeliveryError } from "../../errors.js";
import type { ChannelModule } from "../types.js";
import { formatPhoneNumber, parsePhoneNumber } from "./address.js";
import { createMediaFetcher, refuseMmsMedia, smsOptInChange } from "./media.js";
import { createSmsSender, createSmsSentFinder, smsReplyParts } from "./sender.js";
import { createTwilioClient, type TwilioClient } from "./twilio-client.js";
import { registerSmsWebhooks, smsStatusPath } from "./webhook.js";

const notConfigured = async (): Promise<never> => {
  throw new DeliveryError("CHANNEL_DISABLED", "SMS is not configured on the Threadline server", {
    transient: false,
  });
};

export function createSmsChannel(
  config: SmsConfig | null,
  publicUrl: string,
  overrides: { twilioClient?: TwilioClient } = {},
): ChannelModule {
  const client = config ? (overrides.twilioClient ?? createTwilioClient(config)) : null;
  return {
    channel: {
      kind: "sms",
      label: "SMS",
      addressExample: "+15550001111 (E.164: + and country code)",
      enabled: client !== null,
      parseInboxAddress: parsePhoneNumber,
      formatAddress: formatPhoneNumber,
      replyParts: smsReplyParts,
      send: client ? createSmsSender(client, publicUrl + smsStatusPath) : notConfigured,
      ...(client ? { findSent: createSmsSentFinder(client) } : {}),
      fetchMedia: config ? createMediaFetcher(config) : notConfigured,
      refuseMedia: refuseMmsMedia,
      optInChange: smsOptInChange,
    },
    registerWebhooks: (server, deps) => registerSmsWebhooks(server, config, publicUrl, deps),
  };
}
