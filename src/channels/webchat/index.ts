import { DeliveryError } from "../../core/errors.js";
import type { ChannelCapabilities } from "../../core/ports/channel.js";
import type { ChannelDefinition } from "../types.js";
import { isVisitorAddress, parseSiteKey, visitorName } from "./address.js";
import { type WebchatConfig, webchatConfig, webchatEnvironment, webchatVariables } from "./config.js";
import { checkWebchat } from "./doctor.js";
import { LiveVisitors } from "./live.js";
import { createWebchatMediaFetcher } from "./media.js";
import { createWebchatSender, webchatReplyParts, webchatTextLimit } from "./sender.js";
import { registerWebchatRoutes } from "./webhook.js";

export const webchatCapabilities: ChannelCapabilities = {
  maxTextLength: webchatTextLimit,
  draftLength: { characters: 1_000, why: "a chat panel on a website is read like a text conversation" },
  // Agents' files are not shown in the panel (yet): the core refuses them with this in words.
  media: { types: [], typesInWords: "text (no files yet)", maxBytes: 0 },
  edits: false,
  reactions: false,
  readReceipts: false,
  // The panel shows a reply whenever it comes; a visitor who left sees it when they come back.
  replyWindow: null,
  // A visitor is known only by a token in their browser: nobody can write to them first.
  firstMessage: "never",
  templates: null,
  optOutWords: [],
  optInWords: [],
  // A visitor leaves by closing the panel; nothing is ever sent to them unasked.
  honoursOptOutRequests: false,
};

/** The snippet a site pastes before `</body>`: it loads the launcher and the panel. */
export const embedSnippet = (publicUrl: string, key: string) =>
  `<script src="${publicUrl}/webchat/${key}.js" async></script>`;

declare module "../../core/model.js" {
  interface ChannelKinds {
    webchat: true;
  }
}

/** A chat on the team's own website: a launcher and a panel, talking to this server. */
export const webchatChannel: ChannelDefinition<WebchatConfig> = {
  environment: webchatEnvironment,
  enabledBy: webchatVariables,
  config: webchatConfig,
  // No provider is called: errors are our own HTTP answers.
  service: "webchat",
  redactPaths: ['headers["authorization"]'],
  doctor: async (config) => checkWebchat(config),
  create(config, { media }) {
    const live = new LiveVisitors();
    const send = createWebchatSender(live);
    return {
      channel: {
        kind: "webchat",
        label: "Web chat",
        addressExample: "acme-store (the site's name)",
        enabled: config !== null,
        parseInboxAddress: parseSiteKey,
        // A visitor is named by their address (the hash of their token), never by a site's name.
        parseCustomerAddress: (input) => {
          const address = input.trim().toLowerCase();
          return isVisitorAddress(address) ? address : null;
        },
        // A visitor's address is a hash: Slack shows their short name instead.
        formatAddress: (address) => (isVisitorAddress(address) ? visitorName(address) : address),
        fallbackContactName: visitorName,
        capabilities: webchatCapabilities,
        replyParts: webchatReplyParts,
        send: async (request, accepted) => {
          if (!config) {
            throw new DeliveryError("CHANNEL_DISABLED", "web chat is not configured (WEBCHAT_ORIGINS)", {
              transient: false,
            });
          }
          return send(request, accepted);
        },
        fetchMedia: createWebchatMediaFetcher(media, Date.now),
        ...(config ? { connectedNote: (key: string) => connectedNote(config, key) } : {}),
      },
      registerWebhooks: (server, deps) => registerWebchatRoutes(server, { config, live, media }, deps),
    };
  },
};

function connectedNote(config: WebchatConfig, key: string): string {
  return `Paste this into every page of the site, before \`</body>\`:\n\`\`\`${embedSnippet(config.publicUrl, key)}\`\`\`\nIt works on ${config.origins.join(", ")} (WEBCHAT_ORIGINS).`;
}
