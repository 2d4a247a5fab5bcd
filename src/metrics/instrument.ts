import { channelDefinitions } from "../channels/registry.js";
import { Conversations, type InboundOutcome, type ReplyOutcome } from "../core/conversations.js";
import { DeliveryError } from "../core/errors.js";
import type { AgentReply, ChannelKind, InboundMessage } from "../core/model.js";
import type { ChannelRegistry } from "../core/ports/channel.js";
import type { SlackPort } from "../core/ports/slack.js";
import type { Metrics } from "./metrics.js";

/** Counts each inbound message by the outcome the core gave it, and times each first response. */
export class MeteredConversations extends Conversations {
  constructor(
    private readonly metrics: Metrics,
    ...rest: ConstructorParameters<typeof Conversations>
  ) {
    super(...rest);
  }

  override async agentReplied(reply: AgentReply): Promise<ReplyOutcome> {
    const outcome = await super.agentReplied(reply);
    if (outcome.result === "recorded" && outcome.firstResponse) {
      const { kind, inboxAddress, waitedMs } = outcome.firstResponse;
      this.metrics.firstResponse.observe({ channel: kind, inbox: inboxAddress }, waitedMs / 1000);
    }
    return outcome;
  }

  override async receive(inbound: InboundMessage): Promise<InboundOutcome> {
    try {
      const outcome = await super.receive(inbound);
      this.metrics.messages.inc({ direction: "in", channel: inbound.kind, result: outcome.result });
      return outcome;
    } catch (error) {
      this.metrics.messages.inc({ direction: "in", channel: inbound.kind, result: "error" });
      throw error;
    }
  }
}

/** Every channel's send, counted by result: sent, failed (permanent) or error (retried). */
export function meteredChannels(channels: ChannelRegistry, metrics: Metrics): ChannelRegistry {
  const wrapped = Object.fromEntries(
    Object.entries(channels).map(([kind, channel]) => [
      kind,
      {
        ...channel,
        parseInboxAddress: channel.parseInboxAddress.bind(channel),
        formatAddress: channel.formatAddress.bind(channel),
        replyParts: channel.replyParts.bind(channel),
        send: async (...args: Parameters<typeof channel.send>) => {
          try {
            await channel.send(...args);
            metrics.messages.inc({ direction: "out", channel: kind, result: "sent" });
          } catch (error) {
            const permanent = error instanceof DeliveryError && !error.transient;
            metrics.messages.inc({ direction: "out", channel: kind, result: permanent ? "failed" : "error" });
            // The provider behind the channel, as its folder names it.
            metrics.externalError(channelDefinitions[kind as ChannelKind].service, error);
            throw error;
          }
        },
      },
    ]),
  );
  return wrapped as ChannelRegistry;
}

/** The SlackPort with every failed call counted by its code (SLACK_channel_not_found, RATE_LIMITED…). */
export function meteredSlack(slack: SlackPort, metrics: Metrics): SlackPort {
  return new Proxy(slack, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          metrics.externalError("slack", error);
          throw error;
        }
      };
    },
  });
}
