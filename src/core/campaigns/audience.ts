import type { AudienceMember, NewRecipient } from "../ports/campaigns.js";
import type { CustomerChannel } from "../ports/channel.js";
import { recipientZones, SendingTimes } from "./recipient-hours.js";

/** Why a contact is left out of a campaign, as the preview and the progress message say it. */
export const exclusionReasons = {
  optedOut: "opted out",
  neverTexted: "never texted this inbox",
  country: "country not allowed",
  timeZone: "no known time zone",
} as const;

export interface Audience {
  readonly recipients: readonly NewRecipient[];
  /** How many were left out, by reason. */
  readonly excluded: Readonly<Record<string, number>>;
  /** Recipients who wait for their morning (quiet hours where they are now). */
  readonly waiting: number;
}

/**
 * Who a campaign reaches: only contacts who wrote to the inbox and have not opted out of it, in the countries
 * texts from Slack may go to, whose local time is known; each due at their next 09:00–20:00.
 */
export function chooseRecipients(
  members: readonly AudienceMember[],
  channel: CustomerChannel,
  allowedCountries: readonly string[],
  now: number,
): Audience {
  const recipients: NewRecipient[] = [];
  const excluded: Record<string, number> = {};
  const leaveOut = (reason: string) => {
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };
  let waiting = 0;
  const sendingTimes = new SendingTimes(() => now);
  for (const member of members) {
    if (!member.textedInbox) {
      leaveOut(exclusionReasons.neverTexted);
      continue;
    }
    if (member.optedOut) {
      leaveOut(exclusionReasons.optedOut);
      continue;
    }
    const country = channel.addressCountry?.(member.address) ?? null;
    if (!country || !allowedCountries.includes(country)) {
      leaveOut(exclusionReasons.country);
      continue;
    }
    const notBefore = sendingTimes.next(recipientZones(member.address, country));
    if (notBefore === null) {
      leaveOut(exclusionReasons.timeZone);
      continue;
    }
    if (notBefore > now) waiting++;
    recipients.push({ contactId: member.contactId, address: member.address, notBefore });
  }
  return { recipients, excluded, waiting };
}

/** "2 opted out, 1 never texted this inbox", or "" when nobody was left out. */
export function exclusionSummary(excluded: Readonly<Record<string, number>>): string {
  return Object.entries(excluded)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(", ");
}

export const excludedTotal = (excluded: Readonly<Record<string, number>>) =>
  Object.values(excluded).reduce((sum, count) => sum + count, 0);
