import type { SmsConfig } from "../../config.js";
import type { Attachment, MediaContent } from "../../core/model.js";
import { readLimited } from "../../download.js";
import { DeliveryError } from "../../errors.js";

/** Twilio keeps MMS media up to 5 MB per message; a little headroom for what carriers deliver to us. */
const maxInboundBytes = 20 * 1024 * 1024;
const maxRedirects = 3;

/** What Twilio delivers to phones as MMS (Twilio's "supported" types); other types arrive as links or not at all. */
const mmsContentTypes = new Set(["image/jpeg", "image/jpg", "image/png", "image/gif"]);
export const maxMmsBytes = 5 * 1024 * 1024;

/**
 * Media URLs arrive in webhooks; following any URL with our credentials would hand them to whoever wrote the
 * request. Only Twilio's own hosts (its API and media CDN) and the configured TWILIO_API_URL are fetched, and
 * the credentials go only to the API host.
 */
export function createMediaFetcher(config: SmsConfig) {
  const apiHost = new URL(config.apiUrl).host;
  const credentials = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`;
  const isTwilioHost = (host: string) =>
    host === apiHost ||
    host === "api.twilio.com" ||
    host.endsWith(".twilio.com") ||
    host.endsWith(".twiliocdn.com");

  return async function fetchMedia(attachment: Attachment): Promise<MediaContent> {
    let url = new URL(attachment.url);
    for (let hop = 0; hop <= maxRedirects; hop++) {
      if (!isTwilioHost(url.host)) {
        throw new DeliveryError("MEDIA_HOST_REFUSED", `media link on ${url.host} is not a Twilio address`, {
          transient: false,
        });
      }
      const response = await fetch(url, {
        headers: url.host === apiHost || url.host === "api.twilio.com" ? { authorization: credentials } : {},
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      }).catch((error: unknown) => {
        throw new DeliveryError("MEDIA_UNREACHABLE", "could not reach Twilio for the media", {
          transient: true,
          cause: error,
        });
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      if (!response.ok) {
        throw new DeliveryError("MEDIA_DOWNLOAD_FAILED", `Twilio answered ${response.status} for the media`, {
          transient: response.status >= 500 || response.status === 429,
        });
      }
      const contentType = response.headers.get("content-type")?.split(";")[0] ?? attachment.contentType ?? "";
      const extension = contentType.split("/")[1]?.replace("jpeg", "jpg") ?? "bin";
      return {
        bytes: await readLimited(response, maxInboundBytes),
        contentType: contentType || "application/octet-stream",
        filename: `${url.pathname.split("/").pop() || "media"}.${extension}`,
      };
    }
    throw new DeliveryError("MEDIA_DOWNLOAD_FAILED", "too many redirects for the media", {
      transient: false,
    });
  };
}

export function refuseMmsMedia(file: { contentType: string; size: number }): string | null {
  if (!mmsContentTypes.has(file.contentType)) {
    return `SMS can carry only JPEG, PNG and GIF images, not ${file.contentType || "this file type"}`;
  }
  if (file.size > maxMmsBytes) return "SMS can carry images up to 5 MB";
  return null;
}

/**
 * Twilio's default opt-out handling (long codes and toll-free): a message consisting of one of these words,
 * in any case, blocks further messages; START, UNSTOP or YES lifts the block. Twilio still forwards them.
 */
const optOutWords = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const optInWords = new Set(["START", "UNSTOP", "YES"]);

export function smsOptInChange(text: string): "opt_out" | "opt_in" | null {
  const word = text.trim().toUpperCase();
  if (optOutWords.has(word)) return "opt_out";
  if (optInWords.has(word)) return "opt_in";
  return null;
}
