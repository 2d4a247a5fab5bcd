import type { Config } from "../config.js";
import type { ChannelKind } from "../core/model.js";
import type { ChannelRegistry } from "../core/ports.js";
import { createMessengerChannel } from "./messenger/index.js";
import { createSmsChannel } from "./sms/index.js";
import type { TwilioClient } from "./sms/twilio-client.js";
import type { ChannelModule } from "./types.js";

export interface ChannelOverrides {
  readonly twilioClient?: TwilioClient;
}

/** Every customer channel, keyed by kind: adding a channel is adding a folder and a line here. */
export function createChannelModules(
  config: Config,
  overrides: ChannelOverrides = {},
): Record<ChannelKind, ChannelModule> {
  return {
    sms: createSmsChannel(config.sms, config.publicUrl, overrides),
    messenger: createMessengerChannel(config.messenger),
  };
}

export function channelRegistry(modules: Record<ChannelKind, ChannelModule>): ChannelRegistry {
  return Object.fromEntries(
    Object.entries(modules).map(([kind, module]) => [kind, module.channel]),
  ) as ChannelRegistry;
}
