import type { MessengerConfig } from "../../config.js";
import type { ReplyWindowRules } from "../../core/policies/reply-window.js";
import { DeliveryError } from "../../errors.js";
import type { ChannelModule } from "../types.js";
import { fallbackContactName, parsePageId } from "./address.js";
import { createGraphClient } from "./graph-client.js";
import { createMessengerMediaFetcher, refuseMessengerMedia } from "./media.js";
import { createProfileLookup } from "./profile.js";
import { createMessengerSender, messengerReplyParts } from "./sender.js";
import { registerMessengerWebhooks } from "./webhook.js";

const hour = 60 * 60 * 1000;

/**
 * Meta's policy: any reply within 24 hours of the person's message; a human agent's reply (HUMAN_AGENT tag)
 * within 7 days. The app needs the Human Agent permission (App Review) for the second.
 */
export const messengerReplyWindows: ReplyWindowRules = { standardMs: 24 * hour, humanAgentMs: 7 * 24 * hour };

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
      replyWindows: messengerReplyWindows,
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
      refuseMedia: refuseMessengerMedia,
      // Messenger has no opt-out keywords: people block the Page in the app instead (Graph error 551).
      optInChange: () => null,
    },
    registerWebhooks: (server, deps) => registerMessengerWebhooks(server, config, deps),
  };
}
