import { DeliveryError } from "../../core/errors.js";
import type { ContactProfile } from "../../core/model.js";
import type { ChannelCapabilities, CustomerChannel } from "../../core/ports/channel.js";
import type { ChannelModule } from "../types.js";
import { parseGraphId } from "./address.js";
import type { MetaConfig } from "./config.js";
import type { MetaMessagingChannel } from "./events.js";
import { createGraphClient, type GraphClient } from "./graph-client.js";
import { createMetaMediaFetcher } from "./media.js";
import { registerMetaChannel } from "./receiver.js";

/** What one Meta messaging channel (Messenger, Instagram) brings of its own; the rest is shared. */
export interface MetaChannelParts {
  readonly kind: CustomerChannel["kind"];
  readonly label: string;
  readonly addressExample: string;
  readonly fallbackContactName: CustomerChannel["fallbackContactName"];
  readonly capabilities: ChannelCapabilities;
  readonly replyParts: CustomerChannel["replyParts"];
  /** The largest file a customer's message may bring in. */
  readonly maxInboundBytes: number;
  readonly createSender: (graph: GraphClient) => CustomerChannel["send"];
  readonly createProfileLookup: (graph: GraphClient) => (id: string) => Promise<ContactProfile | null>;
  readonly webhook: MetaMessagingChannel;
}

/** A Meta channel over the Graph API and the shared webhook; unconfigured, each use fails as not configured. */
export function createMetaChannelModule(config: MetaConfig | null, parts: MetaChannelParts): ChannelModule {
  const graph = config ? createGraphClient(config) : null;
  const send = graph ? parts.createSender(graph) : null;
  const lookup = graph ? parts.createProfileLookup(graph) : null;
  const fetchMedia = config
    ? createMetaMediaFetcher(config.mediaHosts, { platform: parts.label, maxBytes: parts.maxInboundBytes })
    : null;
  const notConfigured = () =>
    new DeliveryError("CHANNEL_DISABLED", `${parts.label} is not configured`, { transient: false });
  return {
    channel: {
      kind: parts.kind,
      label: parts.label,
      addressExample: parts.addressExample,
      enabled: graph !== null,
      parseInboxAddress: parseGraphId,
      // Page and account ids and page-scoped ids have no friendlier written form.
      formatAddress: (address) => address,
      fallbackContactName: parts.fallbackContactName,
      capabilities: parts.capabilities,
      replyParts: parts.replyParts,
      send: async (request, accepted) => {
        if (!send) throw notConfigured();
        return send(request, accepted);
      },
      lookupContact: async (id) => {
        if (!lookup) throw notConfigured();
        return lookup(id);
      },
      fetchMedia: async (attachment) => {
        if (!fetchMedia) throw notConfigured();
        return fetchMedia(attachment);
      },
    },
    registerWebhooks: (server, deps) => registerMetaChannel(server, config, deps, parts.webhook),
  };
}
