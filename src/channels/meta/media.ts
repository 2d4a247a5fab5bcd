import type { Attachment, MediaContent } from "../../core/model.js";
import { download } from "../../net/download.js";
import { hostList } from "../../net/host-list.js";

/**
 * Customers' files are on Meta's CDN behind signed, expiring links that need no credentials, so nothing
 * secret goes with the request. The link comes from a signed webhook, but what it points at is the
 * customer's choice as much as Meta's, so it is fetched only from the hosts in MESSENGER_MEDIA_HOSTS, over
 * https, and so is every redirect.
 */
export function createMetaMediaFetcher(
  mediaHosts: readonly string[],
  { platform, maxBytes }: { readonly platform: string; readonly maxBytes: number },
) {
  const hosts = hostList(mediaHosts);
  const policy = {
    source: `${platform}'s file server`,
    refusal: (url: URL) => {
      const refusal = hosts.refusal(url);
      return refusal && `${refusal} (MESSENGER_MEDIA_HOSTS)`;
    },
    maxBytes,
  };
  return async function fetchMetaMedia(attachment: Attachment): Promise<MediaContent> {
    const file = await download(attachment.url, policy);
    const declared = attachment.contentType?.endsWith("/*") ? undefined : attachment.contentType;
    return {
      bytes: file.bytes,
      contentType: file.contentType || declared || "application/octet-stream",
      filename: new URL(attachment.url).pathname.split("/").pop() || attachment.name || "file",
    };
  };
}
