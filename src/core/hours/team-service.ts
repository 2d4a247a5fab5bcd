import type { Conversation, TeamSettings } from "../model.js";
import type { ConversationChanges } from "../ports/store.js";
import { type BusinessHours, parseBusinessHours } from "./business-hours.js";
import { addBusinessTime, isOpen, nextOpening } from "./business-time.js";

/* What a customer's message means for the team's service promises: the away reply when the team is closed
 * (once per closed period), and when the response-time nudge is due (once per wait). Pure: the store calls it
 * inside the transaction that records the message, so two messages at once, or a redelivered webhook, can't
 * both send the away reply. */

const parsed = new Map<string, BusinessHours | null>();

/** The team's hours, or null for always open (also for a stored value that no longer parses). */
export function teamHours(team: TeamSettings | null): BusinessHours | null {
  const text = team?.hours;
  if (!text) return null;
  let hours = parsed.get(text);
  if (hours === undefined) {
    const result = parseBusinessHours(text);
    hours = result.ok ? result.hours : null;
    parsed.set(text, hours);
  }
  return hours;
}

export interface ServiceDecision {
  readonly conversation: ConversationChanges;
  /** The away message to send the customer now. */
  readonly awayReply: string | null;
  /** When the nudge for the wait this message starts is due (epoch ms), or null when none is needed. */
  readonly nudgeAt: number | null;
  /** When that wait began (the nudge's key): this message's time. */
  readonly unansweredSince: number;
}

export function serviceOnInbound(
  team: TeamSettings | null,
  conversation: Conversation,
  now: number,
  /** False when nothing may be sent to the customer (they just opted out). */
  canReply: boolean,
): ServiceDecision {
  const hours = teamHours(team);
  const changes: { -readonly [K in keyof ConversationChanges]: ConversationChanges[K] } = {};
  let nudgeAt: number | null = null;
  // A message while the customer already waits does not restart the clock: the wait began with the first.
  if (!conversation.unansweredSince || conversation.status === "closed") {
    changes.unansweredSince = new Date(now);
    if (team?.slaMinutes) nudgeAt = addBusinessTime(hours, now, team.slaMinutes * 60_000);
  }
  let awayReply: string | null = null;
  const repliedUntil = conversation.awayRepliedUntil?.getTime() ?? 0;
  if (hours && team?.awayMessage && canReply && !isOpen(hours, now) && repliedUntil <= now) {
    awayReply = team.awayMessage;
    changes.awayRepliedUntil = new Date(nextOpening(hours, now));
  }
  return { conversation: changes, awayReply, nudgeAt, unansweredSince: now };
}
