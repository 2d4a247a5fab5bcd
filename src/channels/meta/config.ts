import { hostListSchema, httpUrl, isSet, optional, withDefault } from "../../env-schema.js";

/** One Meta app and one Page token serve every Meta channel (its App Secret also signs the webhooks). */
export interface MetaConfig {
  readonly pageAccessToken: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly graphApiUrl: string;
  /** Host patterns customers' files may be downloaded from (src/net/host-list.ts has the matching rules). */
  readonly mediaHosts: readonly string[];
}

/**
 * Where Meta serves customers' attachments: its CDNs. Messenger's images and videos come from
 * scontent-*.xx.fbcdn.net and video-*.xx.fbcdn.net, audio and files from cdn.fbsbx.com, some assets (and
 * Instagram's message attachments) from lookaside.fbsbx.com.
 */
export const defaultMetaMediaHosts = "*.fbcdn.net,*.fbsbx.com";

export const metaEnvironment = {
  MESSENGER_PAGE_ACCESS_TOKEN: optional,
  MESSENGER_APP_SECRET: optional,
  MESSENGER_VERIFY_TOKEN: optional,
  GRAPH_API_URL: withDefault(httpUrl("none"), "https://graph.facebook.com/v24.0"),
  MESSENGER_MEDIA_HOSTS: withDefault(hostListSchema, defaultMetaMediaHosts),
};

export const metaVariables = [
  "MESSENGER_PAGE_ACCESS_TOKEN",
  "MESSENGER_APP_SECRET",
  "MESSENGER_VERIFY_TOKEN",
] as const;

export function metaConfig(environment: Readonly<Record<string, unknown>>): MetaConfig | null {
  const {
    MESSENGER_PAGE_ACCESS_TOKEN: pageAccessToken,
    MESSENGER_APP_SECRET: appSecret,
    MESSENGER_VERIFY_TOKEN: verifyToken,
    GRAPH_API_URL: graphApiUrl,
    MESSENGER_MEDIA_HOSTS: mediaHosts,
  } = environment;
  if (!isSet(pageAccessToken) || !isSet(appSecret) || !isSet(verifyToken) || !isSet(graphApiUrl)) return null;
  return Object.freeze({
    pageAccessToken,
    appSecret,
    verifyToken,
    graphApiUrl,
    mediaHosts: Object.freeze([...(mediaHosts as readonly string[])]),
  });
}
