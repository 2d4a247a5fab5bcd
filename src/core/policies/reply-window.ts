/**
 * Some channels only let a business answer for a while after the customer's last message (e.g. any reply for
 * 24 hours, a human agent's reply for 7 days, then nothing until the customer writes again). A channel declares
 * its windows; the core decides before sending, so a reply that may not go out is reported in the thread
 * without a provider call, and the channel only translates the decision to its wire format.
 */
export interface ReplyWindowRules {
  /** Any reply may be sent this long after the customer's last message. */
  readonly standardMs: number;
  /** A human agent's reply may still be sent this long after it (> standardMs); absent: no such extension. */
  readonly humanAgentMs?: number;
}

/** Which window a reply is sent in; the channel marks it accordingly (e.g. a message tag). */
export type ReplyWindow = "standard" | "human_agent";

export type ReplyWindowDecision =
  | { readonly send: true; readonly window: ReplyWindow }
  | { readonly send: false; readonly reason: string };

const hour = 60 * 60 * 1000;

function describe(ms: number): string {
  return ms % (24 * hour) === 0 && ms > 24 * hour
    ? `${ms / (24 * hour)} days`
    : `${Math.round(ms / hour)} hours`;
}

/**
 * The window a human agent's reply falls in. Boundaries are inclusive: a reply exactly 24 h after the
 * customer's message is still a standard one. Every reply Threadline sends is typed by an agent, which is
 * what makes the human-agent window applicable at all.
 */
export function replyWindowDecision(
  rules: ReplyWindowRules,
  lastInboundAt: Date | null,
  now: Date,
  channelLabel: string,
  /** For channels with approved templates: what else the agent can send, said with the refusal. */
  templateHint?: string,
): ReplyWindowDecision {
  const otherwise = templateHint ? ` ${templateHint}` : "";
  if (!lastInboundAt) {
    return {
      send: false,
      reason: `the customer has not written yet, and ${channelLabel} only allows replies to a customer's message.${otherwise}`,
    };
  }
  const elapsed = now.getTime() - lastInboundAt.getTime();
  if (elapsed <= rules.standardMs) return { send: true, window: "standard" };
  const lastMs = rules.humanAgentMs ?? rules.standardMs;
  if (elapsed <= lastMs) return { send: true, window: "human_agent" };
  return {
    send: false,
    reason: `the customer's last message is more than ${describe(lastMs)} old, and ${channelLabel} allows no free-form replies after that. A reply will be possible once the customer writes again.${otherwise}`,
  };
}
