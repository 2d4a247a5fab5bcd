import { DeliveryError } from "../../core/errors.js";
import type { ChannelCapabilities } from "../../core/ports/channel.js";
import { createTwilioClient } from "../twilio/client.js";
import { type TwilioConfig, twilioRedactPaths } from "../twilio/config.js";
import { createMediaFetcher } from "../twilio/media.js";
import { formatPhoneNumber, phoneCountry } from "../twilio/phone.js";
import { twilioProvider } from "../twilio/provider.js";
import { registerTwilioChannel, twilioStatusPath } from "../twilio/receiver.js";
import type { ChannelDefinition } from "../types.js";
import { parseWhatsAppNumber, whatsappPrefix } from "./address.js";
import { whatsappReason } from "./errors.js";
import { maxWhatsAppBytes, whatsappMediaTypes } from "./media.js";
import {
  createWhatsAppSender,
  createWhatsAppSentFinder,
  whatsappBodyLimit,
  whatsappReplyParts,
} from "./sender.js";
import { parseWhatsAppInbound } from "./webhook.js";

const hour = 60 * 60 * 1000;

const notConfigured = async (): Promise<never> => {
  throw new DeliveryError("CHANNEL_DISABLED", "WhatsApp is not configured on the Threadline server", {
    transient: false,
  });
};

export const whatsappCapabilities: ChannelCapabilities = {
  maxTextLength: whatsappBodyLimit,
  draftLength: { characters: 1_000, why: "WhatsApp messages are read on a phone" },
  media: {
    types: whatsappMediaTypes,
    typesInWords: "images (JPEG, PNG), audio, MP4 video and PDF or Office documents",
    maxBytes: maxWhatsAppBytes,
  },
  edits: false,
  reactions: false,
  readReceipts: true,
  // The customer-service window: free-form messages only within 24 hours of the customer's last message
  // (Twilio error 63016 after that); no extension for human agents.
  replyWindow: { standardMs: 24 * hour },
  firstMessage: "template",
  templates: {
    idExample: "HX0123456789abcdef0123456789abcdef",
    isTemplateId: (id) => /^HX[0-9a-fA-F]{32}$/.test(id),
  },
  // Twilio filters no opt-out words on WhatsApp: "STOP" reaches the thread as a message (README, Opt-out).
  optOutWords: [],
  optInWords: [],
  honoursOptOutRequests: false,
};

declare module "../../core/model.js" {
  interface ChannelKinds {
    whatsapp: true;
  }
}

/** WhatsApp through Twilio's Messaging API: the same account, webhook and create call as SMS. */
export const whatsappChannel: ChannelDefinition<TwilioConfig> = {
  ...twilioProvider,
  redactPaths: twilioRedactPaths("whatsapp"),
  create(config, { publicUrl, overrides }) {
    const client = config ? (overrides.twilioClient ?? createTwilioClient(config)) : null;
    return {
      channel: {
        kind: "whatsapp",
        label: "WhatsApp",
        addressExample: "+15550003333 (the Twilio WhatsApp sender's number, E.164)",
        enabled: client !== null,
        capabilities: whatsappCapabilities,
        parseInboxAddress: parseWhatsAppNumber,
        parseContactAddress: parseWhatsAppNumber,
        addressCountry: phoneCountry,
        allowedCountries: config?.countries ?? null,
        formatAddress: formatPhoneNumber,
        replyParts: whatsappReplyParts,
        send: client ? createWhatsAppSender(client, publicUrl + twilioStatusPath) : notConfigured,
        ...(client ? { findSent: createWhatsAppSentFinder(client) } : {}),
        fetchMedia: config ? createMediaFetcher(config) : notConfigured,
      },
      registerWebhooks: (server, deps) =>
        registerTwilioChannel(server, config, publicUrl, deps, {
          kind: "whatsapp",
          label: "WhatsApp",
          addressPrefix: whatsappPrefix,
          parseInbound: parseWhatsAppInbound,
          errorReason: whatsappReason,
        }),
    };
  },
};
