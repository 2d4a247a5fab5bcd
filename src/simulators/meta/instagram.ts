import type { SendBody } from "./wire.js";

/*
 * What Graph does differently for Instagram, from Meta's Instagram messaging guides (Messenger Platform, Page
 * token): the Send API is called on the Page (`me` or its id, never the Instagram account's id), text is "UTF-8
 * and 1000 bytes or less", attachments are images, video or audio; the User Profile API gives `name`,
 * `username` and `profile_pic` (and a few counters), not Messenger's first and last names.
 */

/** The Instagram professional account linked to the simulated Page. */
export interface InstagramAccount {
  id: string;
  username: string;
}

/** An Instagram user who messaged the account, by Instagram-scoped id (IGSID). */
export interface InstagramProfile {
  name?: string;
  username: string;
  profile_pic?: string;
}

const attachmentTypes = new Set(["image", "video", "audio"]);

/** Fields the Page may read on an IGSID (its other fields, Messenger's first_name for one, fail the request). */
export const instagramProfileFields = new Set([
  "id",
  "name",
  "username",
  "profile_pic",
  "follower_count",
  "is_verified_user",
  "is_user_follow_business",
  "is_business_follow_user",
]);

/** Graph's (#100) refusal of a Send API body for Instagram, or null when it goes out. */
export function instagramSendProblem(body: SendBody): string | null {
  const { text, attachment } = body.message;
  if (text !== undefined && Buffer.byteLength(text, "utf8") > 1000) {
    return "(#100) Param message[text] must be UTF-8 encoded and 1000 bytes or fewer";
  }
  if (attachment && !attachmentTypes.has(attachment.type)) {
    return `(#100) Instagram does not support attachments of type ${attachment.type}`;
  }
  if (body.tag !== undefined && body.tag !== "HUMAN_AGENT") {
    return `(#100) Tag ${body.tag} is not supported for Instagram messaging`;
  }
  return null;
}
