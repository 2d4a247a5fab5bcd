import type { ChannelMembership } from "./membership.js";
import type { ChannelRegistry, CustomerChannel } from "./ports/channel.js";
import type { ConversationStore } from "./ports/store.js";

/**
 * Who may text customers first from Slack and how often (THREADLINE_SENDERS, TEXT_LIMIT_PER_HOUR); where to is
 * each channel's `allowedCountries`.
 */
export interface StartLimits {
  /** Slack user ids who may start conversations; empty means anyone in the channel. */
  readonly senders: readonly string[];
  /** Conversations one person may start per hour, counted across restarts and instances. */
  readonly perHour: number;
}

export const defaultStartLimits: StartLimits = { senders: [], perHour: 20 };

const hourMs = 3_600_000;
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const countryName = (code: string) => `${regionNames.of(code) ?? code} (${code})`;

/**
 * Whether a person may start a conversation: a texted number reaches a stranger, may cost money (premium and
 * satellite ranges) and speaks as the business, so it is limited to the people named, the countries the business
 * works in, and a number per hour. Each refusal says which limit and what is allowed.
 */
export class StartPolicy {
  constructor(
    private readonly limits: StartLimits,
    private readonly membership: ChannelMembership,
    private readonly store: Pick<ConversationStore, "connectedInboxes">,
    private readonly channels: ChannelRegistry,
  ) {}

  /** Null when `userId` may start conversations from `channelId`; else why not. */
  async senderRefusal(userId: string, channelId: string): Promise<string | null> {
    const { senders } = this.limits;
    if (senders.length > 0 && !senders.includes(userId)) {
      const names = senders.map((id) => `<@${id}>`).join(", ");
      return `Only some people may text customers first from Slack (THREADLINE_SENDERS): ${names}. Ask one of them.`;
    }
    return this.membership.refusal(userId, channelId, "text customers from it");
  }

  /** Null when `address` is in a country texts may go to; else why not, naming the allowed countries. */
  async countryRefusal(channel: CustomerChannel, address: string, shown: string): Promise<string | null> {
    if (!channel.addressCountry) return null;
    const configured = channel.allowedCountries ?? null;
    const allowed = await this.allowedCountries(channel);
    const country = channel.addressCountry(address);
    if (country && allowed.includes(country)) return null;
    const where = country
      ? `is a number in ${countryName(country)}`
      : "is not a number in any country (an international network, such as satellite phones)";
    const list = allowed.length > 0 ? allowed.map(countryName).join(", ") : "none";
    const source = configured ? "the countries this server allows" : "the countries of the connected numbers";
    return `${shown} ${where}. Texts from Slack may go only to numbers in: ${list} (${source}).`;
  }

  /** The countries texts from Slack may go to on the channel: the operator's choice, else the connected numbers'. */
  async allowedCountries(channel: CustomerChannel): Promise<readonly string[]> {
    return channel.allowedCountries ?? (await this.connectedCountries());
  }

  /** Starts by a person since this moment count towards their hourly limit. */
  countSince(now: number): Date {
    return new Date(now - hourMs);
  }

  /** The refusal when the person has started `recentStarts` conversations in the last hour and may not start more. */
  rateRefusal(recentStarts: number): string | null {
    if (recentStarts < this.limits.perHour) return null;
    return `You have started ${recentStarts} conversations from Slack in the last hour, the most one person may (TEXT_LIMIT_PER_HOUR is ${this.limits.perHour}). Try again later, or answer in the customers' threads, which is not limited.`;
  }

  private async connectedCountries(): Promise<readonly string[]> {
    const connected = await this.store.connectedInboxes();
    const countries = connected.flatMap(
      (inbox) => this.channels[inbox.kind].addressCountry?.(inbox.address) ?? [],
    );
    return [...new Set(countries)].sort();
  }
}
