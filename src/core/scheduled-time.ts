/* `later <when>: …` replies: what they ask to send and when, in the writer's time zone. Pure, so tested across
 * time zones and daylight-saving changes without a clock. */

import { instantOf, startOfLocalDay, wallClock } from "./zoned-time.js";

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** The furthest ahead a message may be scheduled. */
export const maxScheduleAheadMs = 30 * dayMs;

/**
 * A thread reply `later <when>: <text>`: the when (its colons between digits belong to it, `14:30`), and the text.
 * Null for any other reply.
 */
export function parseLaterReply(text: string): { readonly when: string; readonly body: string } | null {
  const match = /^\s*later[ \t]+((?:[^:\n]|:(?=\d\d))+):([\s\S]*)$/i.exec(text);
  if (!match) return null;
  return { when: (match[1] as string).trim(), body: (match[2] as string).trim() };
}

const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const examples =
  "`later 9am: …`, `later tomorrow 14:30: …`, `later Mon 09:00: …`, `later in 2h: …` or `later in 30m: …`";

/** Minutes after midnight of `9am`, `9:30 pm`, `14:30`, `09:00`; null otherwise. */
function clockMinutes(text: string): number | null {
  const twelve = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$/.exec(text);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = Number(twelve[2] ?? 0);
    if (hour < 1 || hour > 12 || minute > 59) return null;
    return ((hour % 12) + (twelve[3] === "pm" ? 12 : 0)) * 60 + minute;
  }
  const twentyFour = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (twentyFour) {
    const hour = Number(twentyFour[1]);
    const minute = Number(twentyFour[2]);
    return hour < 24 && minute < 60 ? hour * 60 + minute : null;
  }
  return null;
}

/** A weekday's number (0 = Sunday) from its name or the first three letters; null otherwise. */
function weekdayOf(word: string): number | null {
  const index = weekdays.indexOf(word.slice(0, 3));
  if (index < 0) return null;
  const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
    index
  ] as string;
  return full.startsWith(word) ? index : null;
}

export type ScheduledTime = { readonly at: Date } | { readonly problem: string };

/**
 * When `when` falls after `now` in `timeZone`: `in 2h`, `in 30m`, `in 1h30m`; a time today (`9am`, `14:30`),
 * `tomorrow` or on the coming weekday (`Mon 09:00`; on a Monday whose time has passed, the next one). A time that
 * has passed, or that can't be read, is a problem, with examples of what works.
 */
export function scheduledTime(when: string, now: Date, timeZone: string): ScheduledTime {
  const text = when.toLowerCase().replace(/\s+/g, " ").trim();
  const at = now.getTime();
  const unreadable = { problem: `I can't read \`${when}\` as a time. Say ${examples}.` };
  const relative = /^in (?:(\d+) ?(?:h|hr|hrs|hour|hours))? ?(?:(\d+) ?(?:m|min|mins|minute|minutes))?$/.exec(
    text,
  );
  if (relative) {
    if (relative[1] === undefined && relative[2] === undefined) return unreadable;
    const ms = (Number(relative[1] ?? 0) * 60 + Number(relative[2] ?? 0)) * minuteMs;
    if (ms <= 0) return { problem: `\`${when}\` is now, not later. ${`Say ${examples}.`}` };
    return within({ at: new Date(at + ms) }, when, now);
  }
  const [first = "", ...rest] = text.split(" ");
  const dayWord = first === "today" || first === "tomorrow" || weekdayOf(first) !== null ? first : null;
  const clock = dayWord ? rest.join(" ") : text;
  if (dayWord && !clock) return { problem: `Say a time too: \`later ${dayWord} 9am: …\`.` };
  const minutes = clockMinutes(clock);
  if (minutes === null) return unreadable;
  const { utcLike, weekday } = wallClock(at, timeZone);
  const today = startOfLocalDay(utcLike);
  const instantIn = (days: number) => instantOf(today + days * dayMs + minutes * minuteMs, timeZone);
  let days = 0;
  if (dayWord === "tomorrow") days = 1;
  const target = dayWord ? weekdayOf(dayWord) : null;
  if (target !== null) {
    days = (target - weekday + 7) % 7;
    if (days === 0 && instantIn(0) <= at) days = 7;
  }
  const instant = instantIn(days);
  if (instant <= at) {
    return {
      problem: `${formatWhen(new Date(instant), timeZone, now)} has passed, so nothing was scheduled. Say a time to come, e.g. \`later tomorrow ${clock}: …\`.`,
    };
  }
  return within({ at: new Date(instant) }, when, now);
}

function within(time: { at: Date }, when: string, now: Date): ScheduledTime {
  return time.at.getTime() - now.getTime() > maxScheduleAheadMs
    ? { problem: `\`${when}\` is more than 30 days away; a message can be scheduled up to 30 days ahead.` }
    : time;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** How the time reads in the writer's zone: "Tue 9:00 AM", with the date when it is a week or more away. */
export function formatWhen(at: Date, timeZone: string, now: Date): string {
  const far = Math.abs(at.getTime() - now.getTime()) >= 6 * dayMs;
  const key = `${timeZone}|${far}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "numeric",
      minute: "2-digit",
      ...(far ? { month: "short", day: "numeric" } : {}),
    });
    formats.set(key, format);
  }
  // ICU puts a narrow no-break space before AM/PM; a plain one reads the same everywhere.
  return format.format(at).replace(/\u202f/g, " ");
}
