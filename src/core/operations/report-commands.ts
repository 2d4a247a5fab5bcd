import type { ChannelMembership } from "../membership.js";
import type { CoreLogger } from "../ports/logger.js";
import type { DailyReports } from "./daily-report.js";
import { type ChannelReports, type ReportRange, titles } from "./report.js";

const dailyTime = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `/threadline report [today | 7d | 30d]`, `report daily HH:MM | off`: this channel's numbers, for whoever is in it. */
export class ReportCommands {
  constructor(
    private readonly reports: ChannelReports,
    private readonly daily: DailyReports,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
  ) {}

  async run(rest: string, context: { channelId: string; userId: string }): Promise<string> {
    const words = rest.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const [first = "today", second] = words;
    const daily = first === "daily";
    if (daily ? words.length > 2 : words.length > 1 || !(first in titles)) {
      return `\`${rest.trim()}\` is not a report I know: \`/threadline report\` (today), \`report 7d\`, \`report 30d\`, or \`report daily 09:00\` (\`report daily off\`).`;
    }
    const refused = await this.membership.refusal(
      context.userId,
      context.channelId,
      daily ? "change this channel's daily report" : "see this channel's report",
    );
    if (refused) {
      this.logger.warn({ ...context, words }, "report refused: not in the channel");
      return refused;
    }
    if (daily) return this.schedule(second, context);
    this.logger.info({ ...context, range: first }, "report shown");
    return this.reports.text(context.channelId, first as ReportRange);
  }

  private async schedule(
    word: string | undefined,
    context: { channelId: string; userId: string },
  ): Promise<string> {
    if (word === undefined) return this.daily.describe(context.channelId);
    if (word === "off") return this.daily.set(context.channelId, null, context.userId);
    const match = dailyTime.exec(word);
    if (!match) {
      return `\`${word}\` is not a time of day: give it as HH:MM, 24-hour (\`/threadline report daily 09:00\`), or \`off\`.`;
    }
    const time = `${match[1]?.padStart(2, "0")}:${match[2]}`;
    return this.daily.set(context.channelId, time, context.userId);
  }
}
