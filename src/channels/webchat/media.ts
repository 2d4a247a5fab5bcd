import { DeliveryError } from "../../core/errors.js";
import type { Attachment, MediaContent } from "../../core/model.js";
import type { ChannelMediaStore } from "../types.js";

/*
 * A visitor's image has no provider to download it from: the chat keeps it in the app's media store when it
 * arrives, and the attachment names it by its token. The delivery worker then "downloads" it from there, as it
 * downloads other channels' files from their providers, and posts it in Slack.
 */

const scheme = "webchat-media:";

export const mediaAttachmentUrl = (token: string) => `${scheme}${token}`;

export function createWebchatMediaFetcher(media: ChannelMediaStore | undefined, now: () => number) {
  return async function fetchMedia(attachment: Attachment): Promise<MediaContent> {
    if (!attachment.url.startsWith(scheme)) {
      throw new DeliveryError("MEDIA_UNKNOWN", "not a web chat image", { transient: false });
    }
    if (!media)
      throw new DeliveryError("CHANNEL_DISABLED", "no media store for web chat images", { transient: false });
    const content = await media.media(attachment.url.slice(scheme.length), new Date(now()));
    if (!content)
      throw new DeliveryError("MEDIA_EXPIRED", "the visitor's image is no longer kept", { transient: false });
    return content;
  };
}
