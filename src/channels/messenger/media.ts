import type { Attachment, MediaContent } from "../../core/model.js";
import { readLimited } from "../../download.js";
import { DeliveryError } from "../../errors.js";

/** The Send API's limit for an attachment, and the largest file Messenger delivers to a Page. */
export const maxMessengerBytes = 25 * 1024 * 1024;

/**
 * Customers' files are on Meta's CDN behind signed, expiring links that need no credentials, so nothing
 * secret goes with the request. The link comes from a webhook whose signature was checked.
 */
export async function fetchMessengerMedia(attachment: Attachment): Promise<MediaContent> {
  const url = new URL(attachment.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DeliveryError("MEDIA_URL_REFUSED", `not a web link: ${url.protocol}`, { transient: false });
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
    throw new DeliveryError("MEDIA_UNREACHABLE", "could not reach Messenger's file server", {
      transient: true,
      cause: error,
    });
  });
  if (!response.ok) {
    // 403/404: the signed link expired or the file was removed; it will not come back.
    throw new DeliveryError("MEDIA_DOWNLOAD_FAILED", `Messenger's file server answered ${response.status}`, {
      transient: response.status >= 500 || response.status === 429,
    });
  }
  const declared = attachment.contentType?.endsWith("/*") ? undefined : attachment.contentType;
  const contentType = response.headers.get("content-type")?.split(";")[0]?.trim() || declared || "";
  return {
    bytes: await readLimited(response, maxMessengerBytes),
    contentType: contentType || "application/octet-stream",
    filename: url.pathname.split("/").pop() || attachment.name || "file",
  };
}

export function refuseMessengerMedia(file: { contentType: string; size: number }): string | null {
  return file.size > maxMessengerBytes ? "Messenger carries files up to 25 MB" : null;
}
