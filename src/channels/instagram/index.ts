import type { ChannelCapabilities } from "../../core/ports/channel.js";
import { createMetaChannelModule } from "../meta/channel-module.js";
import type { MetaConfig } from "../meta/config.js";
import { checkMetaCredentials, metaProvider, metaRedactPaths } from "../meta/provider.js";
import { metaReplyWindows } from "../meta/reply-window.js";
import type { ChannelDefinition, ChannelModule } from "../types.js";
import { fallbackContactName } from "./address.js";
import { checkInstagramAccount } from "./doctor.js";
import { createInstagramProfileLookup } from "./profile.js";
import { createInstagramSender, instagramReplyParts, instagramTextBytes } from "./sender.js";
import { instagramWebhook } from "./webhook.js";

/**
 * What Instagram's Send API takes (Meta's Instagram messaging guide): PNG, JPEG and GIF images up to 8 MB;
 * MP4, OGG, AVI, MOV and WebM video and AAC, M4A, WAV and MP4 audio up to 25 MB. One size cap serves all
 * files here, so it is the images' 8 MB: a larger video is refused before it is sent, not by Meta.
 */
const maxInstagramBytes = 8 * 1024 * 1024;
const instagramMediaTypes = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "video/mp4",
  "video/ogg",
  "video/x-msvideo",
  "video/quicktime",
  "video/webm",
  "audio/aac",
  "audio/mp4",
  "audio/x-m4a",
  "audio/wav",
  "audio/x-wav",
];

/** Instagram's own files (customers' photos, voice notes) may be larger than what the Send API takes. */
const maxInboundBytes = 25 * 1024 * 1024;

export const instagramCapabilities: ChannelCapabilities = {
  // Bytes, not characters: the longest text a part may carry is counted by the splitter in UTF-8.
  maxTextLength: instagramTextBytes,
  // A draft is counted in characters; a third of the byte limit fits one part even in non-Latin scripts.
  draftLength: { characters: 330, why: "an Instagram message is at most 1000 bytes" },
  media: {
    types: instagramMediaTypes,
    typesInWords: "images (PNG, JPEG, GIF), video and audio",
    maxBytes: maxInstagramBytes,
  },
  edits: false,
  reactions: false,
  readReceipts: true,
  replyWindow: metaReplyWindows,
  // Meta's policy: the customer writes first; a business never starts an Instagram conversation.
  firstMessage: "never",
  templates: null,
  // People block or restrict the account in the app instead (Graph error 551).
  optOutWords: [],
  optInWords: [],
  honoursOptOutRequests: false,
};

export function createInstagramChannel(config: MetaConfig | null): ChannelModule {
  return createMetaChannelModule(config, {
    kind: "instagram",
    label: "Instagram",
    addressExample: "17841400000000000 (the Instagram professional account id, digits)",
    fallbackContactName,
    capabilities: instagramCapabilities,
    replyParts: instagramReplyParts,
    maxInboundBytes,
    createSender: createInstagramSender,
    createProfileLookup: createInstagramProfileLookup,
    webhook: instagramWebhook,
  });
}

declare module "../../core/model.js" {
  interface ChannelKinds {
    instagram: true;
  }
}

/**
 * Instagram Direct through the Messenger Platform: the Meta app, webhook and Page token Messenger uses, for an
 * Instagram professional account linked to that Page.
 */
export const instagramChannel: ChannelDefinition<MetaConfig> = {
  ...metaProvider,
  redactPaths: metaRedactPaths("instagram"),
  doctor: async (config) =>
    config ? [...(await checkMetaCredentials(config)), await checkInstagramAccount(config)] : [],
  create: (config) => createInstagramChannel(config),
};
