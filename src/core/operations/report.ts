import type { BusinessHours } from "../hours/business-hours.js";
import { formatDuration } from "../hours/business-hours.js";
import { businessTimeBetween } from "../hours/business-time.js";
import { teamHours } from "../hours/team-service.js";
import type { ChannelKind } from "../model.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { ReportHistory, Reports } from "../ports/reports.js";
import type { ConversationStore } from "../ports/store.js";
import { instantOf, startOfLocalDay, wallClock } from "../zoned-time.js";

export type ReportRange = "today" | "7d" | "30d";

const dayMs = 24 * 60 * 60 * 1000;
/** A wait is looked for this far before the period: a reply in it may end a wait that began earlier. */
export const waitLookBackMs = 7 * dayMs;

/** Where a period starts: today from local midnight (the team's time zone, UTC without hours), else N days back. */
export function periodStart(range: ReportRange, now: number, timeZone: string): number {
  if (range === "7d") return now - 7 * dayMs;
  if (range === "30d") return now - 30 * dayMs;
  return instantOf(startOfLocalDay(wallClock(now, timeZone).utcLike), timeZone);
}

/** Statuses of an outbound message the provider accepted: what `/metrics` counts as sent. */
const accepted = new Set(["queued", "sent", "delivered", "read"]);

export interface Report {
  readonly opened: number;
  readonly closed: number;
  /** Per channel kind: messages received and sent. */
  readonly messages: ReadonlyMap<string, { in: number; out: number }>;
  /** First responses in the period, in ms (business time when hours are set), sorted. */
  readonly firstResponses: readonly number[];
  readonly breaches: number;
  readonly replies: ReadonlyMap<string, number>;
  readonly closes: ReadonlyMap<string, number>;
  readonly scores: readonly number[];
}

/** The nearest-rank percentile (p in 0..1) of sorted values: always one of them, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * Sums a channel's history up. A wait begins with a customer's message after an agent's reply (or the first) and
 * ends with the next agent's reply (automatic messages don't end it), as the first-response metric measures it.
 */
export function summarize(history: ReportHistory, from: number, hours: BusinessHours | null): Report {
  const messages = new Map<string, { in: number; out: number }>();
  const replies = new Map<string, number>();
  const waits = new Map<number, number>();
  const firstResponses: number[] = [];
  for (const message of history.messages) {
    const at = message.at.getTime();
    const inPeriod = at >= from;
    if (message.direction === "in") {
      if (!waits.has(message.conversationId)) waits.set(message.conversationId, at);
    } else if (message.authorId !== null) {
      const since = waits.get(message.conversationId);
      if (since !== undefined && inPeriod) firstResponses.push(businessTimeBetween(hours, since, at));
      waits.delete(message.conversationId);
      if (inPeriod) bump(replies, message.authorId);
    }
    if (!inPeriod) continue;
    const counts = messages.get(message.kind) ?? { in: 0, out: 0 };
    if (message.direction === "in") counts.in += 1;
    else if (accepted.has(message.status)) counts.out += 1;
    messages.set(message.kind, counts);
  }
  const closes = new Map<string, number>();
  for (const by of history.closedBy) if (by) bump(closes, by);
  return {
    opened: history.opened,
    closed: history.closedBy.length,
    messages,
    firstResponses: firstResponses.sort((a, b) => a - b),
    breaches: history.nudges,
    replies,
    closes,
    scores: history.scores,
  };
}

const minutes = (ms: number | null) =>
  ms === null ? "—" : ms < 60_000 ? "under 1 min" : formatDuration(Math.round(ms / 60_000));

/** The report as Slack shows it. */
export function reportText(
  report: Report,
  options: {
    title: string;
    labels: (kind: string) => string;
    targetMinutes: number | null;
    businessTime: boolean;
  },
): string {
  const kinds = [...report.messages.entries()].map(
    ([kind, counts]) => `${options.labels(kind)} ${counts.in} in, ${counts.out} out`,
  );
  const responses = report.firstResponses;
  const average =
    report.scores.length > 0
      ? (report.scores.reduce((sum, score) => sum + score, 0) / report.scores.length).toFixed(1)
      : null;
  const workers = new Set([...report.replies.keys(), ...report.closes.keys()]);
  const perPerson = [...workers].sort().map((id) => {
    const replied = report.replies.get(id) ?? 0;
    return `<@${id}>: ${replied} ${replied === 1 ? "reply" : "replies"}, ${report.closes.get(id) ?? 0} closed`;
  });
  return [
    `*${options.title}*`,
    `• Conversations: ${report.opened} opened, ${report.closed} closed`,
    `• Messages: ${kinds.length > 0 ? kinds.join(" · ") : "none"}`,
    `• First response${options.businessTime ? " (business hours)" : ""}: median ${minutes(percentile(responses, 0.5))}, 90th percentile ${minutes(percentile(responses, 0.9))} (${responses.length} ${responses.length === 1 ? "response" : "responses"})`,
    ...(options.targetMinutes !== null || report.breaches > 0
      ? [
          `• Response-time target${options.targetMinutes ? ` (${formatDuration(options.targetMinutes)})` : ""}: ${report.breaches} ${report.breaches === 1 ? "wait" : "waits"} went past it`,
        ]
      : []),
    `• By person: ${perPerson.length > 0 ? perPerson.join(" · ") : "nobody replied or closed"}`,
    `• Customer satisfaction: ${average === null ? "no answers" : `⭐ ${average}/5 from ${report.scores.length} ${report.scores.length === 1 ? "answer" : "answers"}`}`,
  ].join("\n");
}

export const titles: Record<ReportRange, string> = {
  today: "Today",
  "7d": "The last 7 days",
  "30d": "The last 30 days",
};

/** A channel's report over a period, as text: what the command answers and the daily post says. */
export class ChannelReports {
  constructor(
    private readonly reports: Reports,
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly now: () => number,
  ) {}

  /** The channel's time zone: its business hours', else UTC. */
  async timeZone(channelId: string): Promise<string> {
    return teamHours(await this.store.teamSettings(channelId))?.timeZone ?? "UTC";
  }

  async text(channelId: string, range: ReportRange | "24h"): Promise<string> {
    const team = await this.store.teamSettings(channelId);
    const hours = teamHours(team);
    const now = this.now();
    const from = range === "24h" ? now - dayMs : periodStart(range, now, hours?.timeZone ?? "UTC");
    const history = await this.reports.history({
      channelId,
      from: new Date(from),
      to: new Date(now + 1),
      waitsFrom: new Date(from - waitLookBackMs),
    });
    return reportText(summarize(history, from, hours), {
      title:
        range === "24h"
          ? "Daily report: the last 24 hours in this channel"
          : `${titles[range]} in this channel`,
      labels: (kind) =>
        Object.hasOwn(this.channels, kind) ? this.channels[kind as ChannelKind].label : kind,
      targetMinutes: team.slaMinutes ?? null,
      businessTime: hours !== null,
    });
  }
}
