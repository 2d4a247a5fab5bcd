/* The webhook bodies Meta sends (protocols.md §5.3): one notification, and the messaging events in it. */

export type MessagingEvent = Record<string, unknown>;

/** One notification: one entry per Page, each with its events. */
export function notification(entries: { pageId: string; events: MessagingEvent[] }[]): unknown {
  return {
    object: "page",
    entry: entries.map(({ pageId, events }) => ({ id: pageId, time: Date.now(), messaging: events })),
  };
}

let mids = 0;
export const nextMid = () => `m_${Date.now().toString(36)}${(++mids).toString(36)}`;

export const events = {
  text(pageId: string, psid: string, text: string, options: { mid?: string; timestamp?: number } = {}) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: options.timestamp ?? Date.now(),
      message: { mid: options.mid ?? nextMid(), text },
    };
  },
  attachments(pageId: string, psid: string, attachments: { type: string; url?: string }[], mid = nextMid()) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: Date.now(),
      message: {
        mid,
        attachments: attachments.map(({ type, url }) => ({ type, payload: url ? { url } : null })),
      },
    };
  },
  /** A message the Page sent, echoed back: sender and recipient are swapped. */
  echo(pageId: string, psid: string, text: string) {
    return {
      sender: { id: pageId },
      recipient: { id: psid },
      timestamp: Date.now(),
      message: { is_echo: true, app_id: 1517776481860111, mid: nextMid(), text },
    };
  },
  delivery(pageId: string, psid: string, watermark: number, mids?: string[]) {
    return {
      sender: { id: psid },
      recipient: { id: pageId },
      delivery: { ...(mids ? { mids } : {}), watermark },
    };
  },
  read(pageId: string, psid: string, watermark: number) {
    return { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), read: { watermark } };
  },
  postback(pageId: string, psid: string, payload: string) {
    return { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), postback: { payload } };
  },
};

/** An Instagram notification: one entry per Instagram professional account (its id), each with its events. */
export function instagramNotification(entries: { accountId: string; events: MessagingEvent[] }[]): unknown {
  return {
    object: "instagram",
    entry: entries.map(({ accountId, events }) => ({ id: accountId, time: Date.now(), messaging: events })),
  };
}

/**
 * What only Instagram sends (text, media and echoes have Messenger's shape: `events` builds them with the
 * account's id as the Page's): a reply to the account's story, a mention in the customer's story, and a seen
 * receipt naming the message.
 */
export const instagramEvents = {
  storyReply(accountId: string, igsid: string, text: string, story: { id: string; url: string }) {
    return {
      sender: { id: igsid },
      recipient: { id: accountId },
      timestamp: Date.now(),
      message: { mid: nextMid(), text, reply_to: { story } },
    };
  },
  storyMention(accountId: string, igsid: string, url: string) {
    return {
      sender: { id: igsid },
      recipient: { id: accountId },
      timestamp: Date.now(),
      message: { mid: nextMid(), attachments: [{ type: "story_mention", payload: { url } }] },
    };
  },
  seen(accountId: string, igsid: string, mid: string) {
    return { sender: { id: igsid }, recipient: { id: accountId }, timestamp: Date.now(), read: { mid } };
  },
};
