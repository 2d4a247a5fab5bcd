import type { InboxPolicy } from "../inbox-policy.js";
import type { TeamSettings } from "../model.js";
import type { CoreLogger } from "../ports/logger.js";
import type { ConversationStore } from "../ports/store.js";
import { wallClock } from "../zoned-time.js";
import {
  type BusinessHours,
  formatBusinessHours,
  formatDuration,
  formatLocalTime,
  hoursExample,
  parseBusinessHours,
  parseDuration,
} from "./business-hours.js";
import { nextOpening, openPeriodAt } from "./business-time.js";
import { teamHours } from "./team-service.js";

/** What `/threadline hours`, `away` and `sla` ask for; `undefined` shows the setting, null clears it. */
export type TeamCommand =
  | { readonly name: "hours"; readonly hours?: BusinessHours | null }
  | { readonly name: "away"; readonly message?: string | null }
  | { readonly name: "sla"; readonly minutes?: number | null };

/**
 * `hours [off | <days> <times> <zone>]`, `away [off | <message>]`, `sla [off | <duration>]`: `rest` is what
 * follows the verb, with its line breaks. A problem is said with an example.
 */
export function parseTeamCommand(
  verb: TeamCommand["name"],
  rest: string,
): TeamCommand | { readonly problem: string } {
  const text = rest.trim();
  const off = text.toLowerCase() === "off";
  switch (verb) {
    case "hours": {
      if (!text) return { name: verb };
      if (off) return { name: verb, hours: null };
      const parsed = parseBusinessHours(text);
      return parsed.ok ? { name: verb, hours: parsed.hours } : { problem: parsed.problem };
    }
    case "away":
      if (!text) return { name: verb };
      if (text.length > maxAwayLength) {
        return {
          problem: `That away message is ${text.length} characters; keep it under ${maxAwayLength}. For example: \`/threadline away We're closed now and answer from 9am.\``,
        };
      }
      return { name: verb, message: off ? null : text };
    case "sla": {
      if (!text) return { name: verb };
      if (off) return { name: verb, minutes: null };
      const minutes = parseDuration(text);
      return minutes === null
        ? {
            problem: `\`${text}\` is not a response time: give minutes or hours from 1m to 24h (\`off\` clears it). For example: \`/threadline sla 15m\`.`,
          }
        : { name: verb, minutes };
    }
  }
}

const changing = "change business hours, away replies or response-time targets";
/** Long enough for any away message; a text this long already goes out in several parts. */
export const maxAwayLength = 1000;

/**
 * A channel's team settings from Slack. Anyone in the channel may look; with THREADLINE_ADMINS set, only admins
 * change them (they speak to customers as the business). Settings apply to messages from the moment they change.
 */
export class TeamCommands {
  constructor(
    private readonly store: ConversationStore,
    private readonly policy: InboxPolicy,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
  ) {}

  async run(command: TeamCommand, context: { channelId: string; userId: string }): Promise<string> {
    const changes = this.changes(command);
    if (!changes) return this.describe(await this.store.teamSettings(context.channelId), command.name);
    const refused = this.policy.refusal(context.userId, changing);
    if (refused) {
      this.logger.warn({ ...context, command: command.name }, "team settings change refused: not an admin");
      return refused;
    }
    const inboxes = await this.store.inboxesForChannel(context.channelId);
    if (inboxes.length === 0) {
      this.logger.info(
        { ...context, command: command.name },
        "team settings change refused: nothing connected",
      );
      return "Nothing is connected to this channel, so there is nobody to set hours for. Connect an inbox here first (`/threadline help` shows how).";
    }
    const saved = await this.store.saveTeamSettings(context.channelId, changes, context.userId);
    this.logger.info({ ...context, changes }, "team settings changed");
    return `Saved. ${this.describe(saved, command.name)}`;
  }

  private changes(command: TeamCommand): Partial<TeamSettings> | null {
    switch (command.name) {
      case "hours":
        return command.hours === undefined
          ? null
          : { hours: command.hours ? formatBusinessHours(command.hours) : null };
      case "away":
        return command.message === undefined ? null : { awayMessage: command.message };
      case "sla":
        return command.minutes === undefined ? null : { slaMinutes: command.minutes };
    }
  }

  private describe(team: TeamSettings, focus: TeamCommand["name"]): string {
    const lines = {
      hours: this.hoursLine(team),
      away: team.awayMessage
        ? `*Away reply:* sent once per closed period to a customer who writes while you are closed:\n>${team.awayMessage.replace(/\n/g, "\n>")}${team.hours ? "" : "\n_No business hours are set (always open), so it is not sent until you set them._"}`
        : "*Away reply:* off. Set one with `/threadline away We're closed; we answer at 9am.`",
      sla: team.slaMinutes
        ? `*Response-time target:* ${formatDuration(team.slaMinutes)} of business hours: a customer message still unanswered then gets one nudge in its thread, mentioning the assignee.`
        : "*Response-time target:* off. Set one with `/threadline sla 15m`.",
    };
    const order = (["hours", "away", "sla"] as const).filter((name) => name !== focus);
    return [lines[focus], ...(focus === "hours" ? order.map((name) => lines[name]) : [])].join("\n");
  }

  private hoursLine(team: TeamSettings): string {
    const hours = teamHours(team);
    if (!hours) {
      return `*Business hours:* none set, so you are always open. Set them with ${hoursExample}.`;
    }
    const now = this.now();
    const local = (instant: number) => formatLocalTime(wallClock(instant, hours.timeZone).utcLike);
    const period = openPeriodAt(hours, now);
    const state = period
      ? `open now, until ${local(period.end)}`
      : `closed now, opening ${local(nextOpening(hours, now))}`;
    return `*Business hours:* ${formatBusinessHours(hours)} — ${state} (${hours.timeZone} time). Replies typed while closed still go out at once.`;
  }
}
