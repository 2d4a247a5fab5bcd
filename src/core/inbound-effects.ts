// What a customer's message changes besides itself, decided inside the transaction that records it.
import { serviceOnInbound } from "./hours/team-service.js";
import { customerLane, nudgeLane, slackLane } from "./lane-names.js";
import type { InboundMessage } from "./model.js";
import { type OptInChange, optInChange } from "./policies/channel-rules.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { NewJob } from "./ports/queue.js";
import type { InboundEffects, InboundState } from "./ports/store.js";

/**
 * The provider's own reading of the message wins when it gives one (it knows the inbox's custom keywords;
 * HELP changes nothing); otherwise the channel's words and plain-language requests decide.
 */
function customerOptInChange(inbound: InboundMessage, channels: ChannelRegistry): OptInChange | null {
  if (inbound.keyword === "help") return null;
  if (inbound.keyword) return { change: inbound.keyword, confirmation: null };
  return optInChange(channels[inbound.kind].capabilities, inbound.text);
}

/** What a customer's message changes besides itself: reopening, the reply window, opt-out, and the jobs. */
export function inboundEffects(
  inbound: InboundMessage,
  state: InboundState,
  channels: ChannelRegistry,
  /** The clock business hours and waits are measured with. */
  now: () => number,
  /** The customer's answer to the satisfaction question: it neither reopens nor starts a wait. */
  surveyAnswer = false,
): InboundEffects {
  const { contact, conversation, created } = state;
  const reopened = conversation.status === "closed" && !surveyAnswer;
  // A provider may redeliver an old message after newer ones: the reply window counts from the latest.
  const latest = conversation.lastInboundAt;
  const channel = channels[inbound.kind];
  const optIn = customerOptInChange(inbound, channels);
  // Per conversation (inbox × contact): providers block a customer per sending number.
  const optInChanged = optIn !== null && (optIn.change === "opt_out") !== conversation.optedOut;
  const optedOut = optInChanged ? optIn.change === "opt_out" : conversation.optedOut;
  const service = surveyAnswer
    ? { conversation: {}, awayReply: null, nudgeAt: null, unansweredSince: 0 }
    : serviceOnInbound(state.team, conversation, now(), !optedOut && channel.enabled);
  // The one text confirming an opt-out the provider did not see; an away reply never goes to an opted-out customer.
  const confirmation = optInChanged ? (optIn?.confirmation ?? null) : null;
  const autoReply = confirmation ?? service.awayReply;
  return {
    conversation: {
      lastInboundAt: latest && latest > inbound.receivedAt ? latest : inbound.receivedAt,
      ...(reopened ? { status: "open", closedBy: null, closedAt: null } : {}),
      ...(optInChanged ? { optedOut } : {}),
      ...service.conversation,
    },
    ...(autoReply === null ? {} : { autoReply }),
    jobs: ({ conversationId, messageId, autoReplyId }) => {
      const lane = slackLane(conversationId);
      const jobs: NewJob[] = [];
      // Ahead of the first post, so the thread starts with the customer's name when the lookup works.
      const given = inbound.contactName?.trim();
      if (given && given !== contact.displayName) {
        // The provider named the customer with the message: stored as given, the parent follows a change.
        const inline = created || !conversation.slackThreadTs;
        jobs.push({
          lane,
          kind: "contact.refreshProfile",
          payload: { conversationId, inline, name: given },
        });
      } else if (created && !contact.displayName && channel.lookupContact) {
        jobs.push({ lane, kind: "contact.refreshProfile", payload: { conversationId, inline: true } });
      }
      jobs.push(
        { lane, kind: "slack.postInbound", payload: { messageId, ...(reopened ? { reopened } : {}) } },
        ...inbound.attachments.map((_, index) => ({
          lane,
          kind: "slack.postMedia" as const,
          payload: { messageId, index },
        })),
      );
      if (reopened || optInChanged) {
        jobs.push({ lane, kind: "slack.updateParent", payload: { conversationId } });
      }
      if (optInChanged) {
        const [start = "START"] = channel.capabilities.optInWords;
        const reason = confirmation ? `, in their own words: “${inbound.text.trim()}”` : "";
        const text =
          optIn?.change === "opt_out"
            ? `🚫 The customer opted out${reason}. Replies in this thread will not be sent until they text ${start}.`
            : "✅ The customer opted back in. Replies are sent again.";
        jobs.push({ lane, kind: "slack.notice", payload: { conversationId, text } });
      }
      // Shown after the customer's message; sent on the customer lane, in order with agents' replies.
      if (autoReplyId !== null) {
        const optOut = confirmation !== null ? { optOutConfirmation: true as const } : {};
        jobs.push(
          { lane, kind: "slack.postAutoReply", payload: { messageId: autoReplyId, ...optOut } },
          {
            lane: customerLane(conversationId),
            kind: "customer.send",
            payload: { messageId: autoReplyId, ...optOut },
          },
        );
      }
      if (service.nudgeAt !== null) {
        jobs.push({
          lane: nudgeLane(conversationId, service.unansweredSince),
          kind: "slack.nudge",
          payload: { conversationId, since: service.unansweredSince },
          runAt: service.nudgeAt,
        });
      }
      return jobs;
    },
  };
}
