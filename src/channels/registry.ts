import type { ChannelKind } from "../core/model.js";
import type { ChannelRegistry } from "../core/ports/channel.js";
import { instagramChannel } from "./instagram/index.js";
import { messengerChannel } from "./messenger/index.js";
import { smsChannel } from "./sms/index.js";
import type { ChannelDefinition, ChannelMediaStore, ChannelModule, ChannelOverrides } from "./types.js";
import { webchatChannel } from "./webchat/index.js";
import { whatsappChannel } from "./whatsapp/index.js";

/**
 * Every customer channel, keyed by kind: adding a channel is adding a folder and a line here. Config, the
 * doctor, metrics and the logger read the definitions; the core sees each channel's port and capabilities.
 */
export const channelDefinitions = {
  sms: smsChannel,
  messenger: messengerChannel,
  whatsapp: whatsappChannel,
  instagram: instagramChannel,
  webchat: webchatChannel,
} satisfies Record<ChannelKind, unknown>;

export type ChannelDefinitions = typeof channelDefinitions;

/** Each channel's configuration, under its kind: null when the channel is disabled. */
export type ChannelConfigs = {
  readonly [K in ChannelKind]: ReturnType<(typeof channelDefinitions)[K]["config"]>;
};

export const channelKinds = Object.keys(channelDefinitions) as ChannelKind[];

/** Where every channel's secrets sit in logged objects. */
export function channelSecretPaths(): string[] {
  return [...new Set(eachChannel().flatMap(([, definition]) => definition.redactPaths))];
}

/** Every definition, typed by what all of them share (each reads only the config it parsed itself). */
export function eachChannel(): readonly [ChannelKind, ChannelDefinition<unknown>][] {
  return channelKinds.map((kind) => [kind, channelDefinitions[kind] as ChannelDefinition<unknown>]);
}

export function createChannelModules(
  config: ChannelConfigs & { readonly publicUrl: string },
  overrides: ChannelOverrides = {},
  media?: ChannelMediaStore,
): Record<ChannelKind, ChannelModule> {
  const context = { publicUrl: config.publicUrl, overrides, ...(media ? { media } : {}) };
  return Object.fromEntries(
    eachChannel().map(([kind, definition]) => [kind, definition.create(config[kind], context)]),
  ) as Record<ChannelKind, ChannelModule>;
}

export function channelRegistry(modules: Record<ChannelKind, ChannelModule>): ChannelRegistry {
  return Object.fromEntries(
    Object.entries(modules).map(([kind, module]) => [kind, module.channel]),
  ) as ChannelRegistry;
}
