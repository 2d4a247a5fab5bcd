import type { ChannelDefinition } from "../types.js";
import { type MetaConfig, metaConfig, metaEnvironment, metaVariables } from "./config.js";
import { checkPageToken } from "./doctor.js";

/**
 * What every Meta channel's definition shares: one app and one Page token (its variables enable them all
 * together), the `graph` service label, and the doctor's check of the Page token.
 */
export const metaProvider = {
  environment: metaEnvironment,
  enabledBy: metaVariables,
  config: metaConfig,
  service: "graph",
} satisfies Pick<ChannelDefinition<MetaConfig>, "environment" | "enabledBy" | "config" | "service">;

/** The doctor's check of the Page token, for an enabled Meta channel (an unconfigured one needs no line). */
export const checkMetaCredentials = async (config: MetaConfig | null) =>
  config ? [await checkPageToken(config)] : [];

/** Where the Meta secrets sit in logged objects: the webhook signature and a channel's config. */
export const metaRedactPaths = (kind: string) => [
  'headers["x-hub-signature-256"]',
  `config.${kind}`,
  `${kind}.pageAccessToken`,
  `${kind}.appSecret`,
];
