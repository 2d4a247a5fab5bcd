import type { Attachment, MediaContent } from "../../core/model.js";
import { download } from "../../net/download.js";
import { hostList, hostOf, shownHost } from "../../net/host-list.js";
import type { TwilioConfig } from "./config.js";

/** Twilio keeps MMS media up to 5 MB per message, WhatsApp's up to 16 MB; headroom for what arrives. */
const maxInboundBytes = 20 * 1024 * 1024;

/**
 * A MediaUrl is on Twilio's API (`api.twilio.com`, or a regional `api.<edge>.<region>.twilio.com`), which
 * redirects to a short-lived signed link on its media CDN: `mms.twiliocdn.com` for accounts that enforce HTTP
 * auth on media, `s3-external-1.amazonaws.com/media.twiliocdn.com/…` for the others.
 */
const s3MediaHost = "s3-external-1.amazonaws.com";
const s3MediaPath = "/media.twiliocdn.com/";

/**
 * Media URLs arrive in webhooks; following any URL with our credentials would hand them to whoever wrote it.
 * Every hop must be https (a loopback TWILIO_API_URL may be http, for tests) and on Twilio's API, its media
 * CDN, or the TWILIO_API_URL host. The credentials go only to the API hosts: the CDN links are signed.
 */
export function createMediaFetcher(config: TwilioConfig) {
  const credentials = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`;
  const apiHosts = hostList(["api.twilio.com", "*.twilio.com", hostOf(config.apiUrl)]);
  const twilioHosts = hostList(
    [...apiHosts.entries, "*.twiliocdn.com", s3MediaHost],
    (url) => `${shownHost(url)} is not a Twilio address`,
  );
  const policy = {
    source: "Twilio",
    refusal: (url: URL) =>
      twilioHosts.refusal(url) ??
      (url.host === s3MediaHost && !url.pathname.startsWith(s3MediaPath)
        ? `the ${s3MediaHost} link is not in Twilio's media store`
        : null),
    headers: (url: URL): Record<string, string> =>
      apiHosts.refusal(url) === null ? { authorization: credentials } : {},
    maxBytes: maxInboundBytes,
  };

  return async function fetchMedia(attachment: Attachment): Promise<MediaContent> {
    const file = await download(attachment.url, policy);
    const contentType = file.contentType || attachment.contentType || "";
    const extension = contentType.split("/")[1]?.replace("jpeg", "jpg") ?? "bin";
    return {
      bytes: file.bytes,
      contentType: contentType || "application/octet-stream",
      filename: `${new URL(attachment.url).pathname.split("/").pop() || "media"}.${extension}`,
    };
  };
}
