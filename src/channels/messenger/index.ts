import type { ChannelCapabilities } from "../../core/ports/channel.js";
import { createMetaChannelModule } from "../meta/channel-module.js";
import type { MetaConfig } from "../meta/config.js";
import { checkMetaCredentials, metaProvider, metaRedactPaths } from "../meta/provider.js";
import { metaReplyWindows } from "../meta/reply-window.js";
import type { ChannelDefinition, ChannelModule } from "../types.js";
import { fallbackContactName } from "./address.js";
import { createMessengerProfileLookup } from "./profile.js";
import { createMessengerSender, messengerReplyParts, messengerTextLimit } from "./sender.js";
import { messengerWebhook } from "./webhook.js";

/** The Send API's limit for an attachment, and the largest file Messenger delivers to a Page. */
const maxMessengerBytes = 25 * 1024 * 1024;

export const messengerCapabilities: ChannelCapabilities = {
  maxTextLength: messengerTextLimit,
  draftLength: { characters: 1_000, why: "Messenger messages are read on a phone" },
  media: { types: "any", typesInWords: "files", maxBytes: maxMessengerBytes },
  edits: false,
  reactions: false,
  readReceipts: true,
  replyWindow: metaReplyWindows,
  // Meta's policy forbids business-initiated messages.
  firstMessage: "never",
  templates: null,
  // Messenger has no opt-out keywords: people block the Page in the app instead (Graph error 551).
  optOutWords: [],
  optInWords: [],
  honoursOptOutRequests: false,
};

export function createMessengerChannel(config: MetaConfig | null): ChannelModule {
  return createMetaChannelModule(config, {
    kind: "messenger",
    label: "Messenger",
    addressExample: "123456789012345 (the Facebook Page id, digits)",
    fallbackContactName,
    capabilities: messengerCapabilities,
    replyParts: messengerReplyParts,
    maxInboundBytes: maxMessengerBytes,
    createSender: createMessengerSender,
    createProfileLookup: createMessengerProfileLookup,
    webhook: messengerWebhook,
  });
}

declare module "../../core/model.js" {
  interface ChannelKinds {
    messenger: true;
  }
}

/** Facebook Messenger through the Graph API's Send API. */
export const messengerChannel: ChannelDefinition<MetaConfig> = {
  ...metaProvider,
  redactPaths: metaRedactPaths("messenger"),
  // An optional channel left unconfigured needs no line in the report.
  doctor: checkMetaCredentials,
  create: (config) => createMessengerChannel(config),
};
