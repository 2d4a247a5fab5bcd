import { DeliveryError } from "../../core/errors.js";
import type { ReplyWindowRules } from "../../core/policies/reply-window.js";
import type { ChannelCapabilities } from "../../core/ports/channel.js";
import type { ChannelDefinition, ChannelModule } from "../types.js";
import { fallbackContactName, parsePageId } from "./address.js";
import { type MessengerConfig, messengerConfig, messengerEnvironment, messengerVariables } from "./config.js";
import { checkMessengerCredentials } from "./doctor.js";
import { createGraphClient } from "./graph-client.js";
import { createMessengerMediaFetcher, maxMessengerBytes } from "./media.js";
import { createProfileLookup } from "./profile.js";
import { createMessengerSender, messengerReplyParts, messengerTextLimit } from "./sender.js";
import { registerMessengerWebhooks } from "./webhook.js";

const hour = 60 * 60 * 1000;

/**
 * Meta's policy: any reply within 24 hours of the person's message; a human agent's reply (HUMAN_AGENT tag)
 * within 7 days. The app needs the Human Agent permission (App Review) for the second.
 */
export const messengerReplyWindows: ReplyWindowRules = { standardMs: 24 * hour, humanAgentMs: 7 * 24 * hour };

export const messengerCapabilities: ChannelCapabilities = {
  maxTextLength: messengerTextLimit,
  draftLength: { characters: 1_000, why: "Messenger messages are read on a phone" },
  media: { types: "any", typesInWords: "files", maxBytes: maxMessengerBytes },
  edits: false,
  reactions: false,
  readReceipts: true,
  replyWindow: messengerReplyWindows,
  // Meta's policy forbids business-initiated messages.
  firstMessage: "never",
  templates: null,
  // Messenger has no opt-out keywords: people block the Page in the app instead (Graph error 551).
  optOutWords: [],
  optInWords: [],
  honoursOptOutRequests: false,
};

export function createMessengerChannel(config: MessengerConfig | null): ChannelModule {
  const graph = config ? createGraphClient(config) : null;
  const send = graph ? createMessengerSender(graph) : null;
  const lookup = graph ? createProfileLookup(graph) : null;
  const fetchMedia = config ? createMessengerMediaFetcher(config.mediaHosts) : null;
  const notConfigured = () =>
    new DeliveryError("CHANNEL_DISABLED", "Messenger is not configured", { transient: false });
  return {
    channel: {
      kind: "messenger",
      label: "Messenger",
      addressExample: "123456789012345 (the Facebook Page id, digits)",
      enabled: graph !== null,
      parseInboxAddress: parsePageId,
      // Page ids and PSIDs have no friendlier written form.
      formatAddress: (address) => address,
      fallbackContactName,
      capabilities: messengerCapabilities,
      replyParts: messengerReplyParts,
      send: async (request, accepted) => {
        if (!send) throw notConfigured();
        return send(request, accepted);
      },
      lookupContact: async (psid) => {
        if (!lookup) throw notConfigured();
        return lookup(psid);
      },
      fetchMedia: async (attachment) => {
        if (!fetchMedia) throw notConfigured();
        return fetchMedia(attachment);
      },
    },
    registerWebhooks: (server, deps) => registerMessengerWebhooks(server, config, deps),
  };
}

declare module "../../core/model.js" {
  interface ChannelKinds {
    messenger: true;
  }
}

/** Facebook Messenger through the Graph API's Send API. */
export const messengerChannel: ChannelDefinition<MessengerConfig> = {
  environment: messengerEnvironment,
  enabledBy: messengerVariables,
  config: messengerConfig,
  service: "graph",
  redactPaths: [
    'headers["x-hub-signature-256"]',
    "config.messenger",
    "messenger.pageAccessToken",
    "messenger.appSecret",
  ],
  // An optional channel left unconfigured needs no line in the report.
  doctor: async (config) => (config ? [await checkMessengerCredentials(config)] : []),
  create: (config) => createMessengerChannel(config),
};
