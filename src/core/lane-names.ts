/*
 * A lane is a queue of side effects that must happen one at a time, in order. Each conversation has two,
 * so a Slack outage does not hold back replies to the customer, and neither holds back other conversations.
 */
export const slackLane = (conversationId: number) => `slack:${conversationId}`;
export const customerLane = (conversationId: number) => `customer:${conversationId}`;

/** The conversation a lane belongs to, so every delivery log line names it. */
export function laneConversationId(lane: string): number | null {
  const id = Number(lane.slice(lane.indexOf(":") + 1));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Retries of a contact's profile lookup wait here, so they hold back neither the thread nor the replies. */
export const contactLane = (contactId: number) => `contact:${contactId}`;

/** Notices about a channel itself (an inbox moved away from it): apart from every conversation's lane. */
export const channelLane = (channelId: string) => `channel:${channelId}`;

/**
 * Each reminder has a lane of its own, so one waiting for its time holds back nothing else; the lanes of one
 * person's reminders share a prefix, which is how App Home finds them on the lane index.
 */
export const reminderLane = (userId: string, conversationId: number, runAt: number) =>
  `${reminderLanePrefix(userId)}${conversationId}:${runAt}`;
/** Each response-time nudge waits on a lane of its own, named by its wait, so it holds back nothing. */
export const nudgeLane = (conversationId: number, since: number) => `nudge:${conversationId}:${since}`;
export const reminderLanePrefix = (userId: string) => `reminder:${userId}:`;
/** A scheduled message's due send: a lane of its own, so waiting for its time holds nothing else back. */
export const scheduledLane = (scheduledId: number) => `scheduled:${scheduledId}`;
/** Each daily report post waits on a lane of its own, named by its time, so a changed time never waits behind it. */
export const reportLane = (channelId: string, runAt: number) => `report:${channelId}:${runAt}`;
