import { DeliveryError } from "../../core/errors.js";
import type { ChannelCapabilities } from "../../core/ports/channel.js";
import { createTwilioClient } from "../twilio/client.js";
import { type TwilioConfig, twilioRedactPaths } from "../twilio/config.js";
import { twilioReason } from "../twilio/errors.js";
import { createMediaFetcher } from "../twilio/media.js";
import { formatPhoneNumber, parsePhoneNumber, phoneCountry } from "../twilio/phone.js";
import { twilioProvider } from "../twilio/provider.js";
import { registerTwilioChannel, twilioStatusPath } from "../twilio/receiver.js";
import type { ChannelDefinition } from "../types.js";
import { createCallerNameLookup } from "./caller-name.js";
import { maxMmsBytes, mmsContentTypes, smsOptInWords, smsOptOutWords } from "./media.js";
import { createSmsSender, createSmsSentFinder, smsBodyLimit, smsReplyParts } from "./sender.js";
import { parseInbound } from "./webhook.js";

const notConfigured = async (): Promise<never> => {
  throw new DeliveryError("CHANNEL_DISABLED", "SMS is not configured on the Threadline server", {
    transient: false,
  });
};

export const smsCapabilities: ChannelCapabilities = {
  maxTextLength: smsBodyLimit,
  draftLength: {
    characters: 320,
    why: "an SMS is billed per 160-character segment, so two segments at most",
  },
  media: { types: mmsContentTypes, typesInWords: "JPEG, PNG and GIF images", maxBytes: maxMmsBytes },
  edits: false,
  reactions: false,
  readReceipts: false,
  replyWindow: null,
  firstMessage: "text",
  templates: null,
  optOutWords: smsOptOutWords,
  optInWords: smsOptInWords,
  honoursOptOutRequests: true,
};

declare module "../../core/model.js" {
  interface ChannelKinds {
    sms: true;
  }
}

/** Text messages (SMS/MMS) through Twilio. */
export const smsChannel: ChannelDefinition<TwilioConfig> = {
  ...twilioProvider,
  redactPaths: twilioRedactPaths("sms"),
  create(config, { publicUrl, overrides }) {
    const client = config ? (overrides.twilioClient ?? createTwilioClient(config)) : null;
    return {
      channel: {
        kind: "sms",
        label: "SMS",
        addressExample: "+15550001111 (E.164: + and country code)",
        enabled: client !== null,
        capabilities: smsCapabilities,
        parseInboxAddress: parsePhoneNumber,
        parseContactAddress: parsePhoneNumber,
        addressCountry: phoneCountry,
        allowedCountries: config?.countries ?? null,
        formatAddress: formatPhoneNumber,
        replyParts: smsReplyParts,
        send: client ? createSmsSender(client, publicUrl + twilioStatusPath) : notConfigured,
        ...(client ? { findSent: createSmsSentFinder(client) } : {}),
        ...(client && config?.lookupCallerNames ? { lookupContact: createCallerNameLookup(client) } : {}),
        fetchMedia: config ? createMediaFetcher(config) : notConfigured,
      },
      registerWebhooks: (server, deps) =>
        registerTwilioChannel(server, config, publicUrl, deps, {
          kind: "sms",
          label: "SMS",
          addressPrefix: "",
          parseInbound,
          errorReason: twilioReason,
        }),
    };
  },
};
