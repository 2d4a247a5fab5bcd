import type { MetaMessagingChannel } from "../meta/events.js";

/** Messenger's notifications: the Page subscription's (`"object": "page"`), read as Meta's messaging shape. */
export const messengerWebhook: MetaMessagingChannel = {
  kind: "messenger",
  platform: "Messenger",
  object: "page",
};
