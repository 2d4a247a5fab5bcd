import type { MetaMessage, MetaMessagingChannel } from "../meta/events.js";

/** A story reply names the story it answers; its link works until the story expires (24 hours). */
function storyReplied(message: MetaMessage): string[] {
  const story = message.reply_to?.story;
  if (!story) return [];
  return [`↩️ Replied to your story${story.url ? `: ${story.url}` : ""}`];
}

/**
 * Instagram's notifications (`"object": "instagram"`, the entry's id the Instagram account): Meta's messaging
 * shape, plus story replies and mentions, shown as links (Meta forbids keeping a story's media).
 */
export const instagramWebhook: MetaMessagingChannel = {
  kind: "instagram",
  platform: "Instagram",
  object: "instagram",
  linkedAttachments: { story_mention: "Mentioned you in their story" },
  contextLines: storyReplied,
};
