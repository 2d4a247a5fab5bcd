import { reportLane } from "../lane-names.js";
import type { CoreLogger } from "../ports/logger.js";
import type { Reports } from "../ports/reports.js";
import type { SlackPort } from "../ports/slack.js";
import type { ConversationStore } from "../ports/store.js";
import { instantOf, startOfLocalDay, wallClock } from "../zoned-time.js";
import type { ChannelReports } from "./report.js";

const dayMs = 24 * 60 * 60 * 1000;

/** The next moment after `now` the wall clock in `timeZone` reads `time` ("HH:MM"), and that local day. */
export function nextRun(time: string, now: number, timeZone: string): { at: number; day: string } {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  const today = startOfLocalDay(wallClock(now, timeZone).utcLike);
  for (let local = today + (hours * 60 + minutes) * 60_000; ; local += dayMs) {
    const at = instantOf(local, timeZone);
    if (at > now) return { at, day: new Date(local).toISOString().slice(0, 10) };
  }
}

/**
 * A channel's report posted every day at its time, by a delivery job due then (durable: it survives restarts and
 * any instance runs it). Each job that posts enqueues the next day's; the day is claimed in the database first,
 * so a time set twice, or two instances, post once a day — and a job whose time is no longer the setting stops.
 */
export class DailyReports {
  constructor(
    private readonly reports: Reports,
    private readonly channelReports: ChannelReports,
    private readonly store: ConversationStore,
    private readonly slack: Pick<SlackPort, "postInChannel">,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
  ) {}

  async describe(channelId: string): Promise<string> {
    const schedule = await this.reports.dailySchedule(channelId);
    if (!schedule)
      return "*Daily report:* off. `/threadline report daily 09:00` posts the last 24 hours here every day.";
    const zone = await this.channelReports.timeZone(channelId);
    return `*Daily report:* posted here every day at ${schedule.time} (${zone} time), covering the last 24 hours. \`/threadline report daily off\` stops it.`;
  }

  async set(channelId: string, time: string | null, userId: string): Promise<string> {
    await this.reports.setDailySchedule(channelId, time, userId);
    this.logger.info({ channelId, userId, time }, "daily report changed");
    if (time !== null) await this.enqueue(channelId, time);
    return `Saved. ${await this.describe(channelId)}`;
  }

  /** The job for `time` came due. */
  async post(channelId: string, time: string, jobId: number): Promise<void> {
    const zone = await this.channelReports.timeZone(channelId);
    // The day it was due for: a job that runs late (a restart) still posts that day's report once.
    const day = new Date(wallClock(this.now() - 60_000, zone).utcLike).toISOString().slice(0, 10);
    if (!(await this.reports.claimDay(channelId, time, day, jobId))) {
      this.logger.info(
        { channelId, time, day, jobId },
        "daily report skipped: stopped, moved, or posted already",
      );
      return;
    }
    await this.enqueue(channelId, time);
    await this.slack.postInChannel(channelId, await this.channelReports.text(channelId, "24h"));
    this.logger.info({ channelId, day }, "daily report posted");
  }

  private async enqueue(channelId: string, time: string): Promise<void> {
    const next = nextRun(time, this.now(), await this.channelReports.timeZone(channelId));
    await this.store.write({
      jobs: [
        {
          lane: reportLane(channelId, next.at),
          kind: "slack.dailyReport",
          payload: { channelId, time },
          runAt: next.at,
        },
      ],
    });
  }
}
