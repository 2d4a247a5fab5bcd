/* When a reminder chosen from the parent's menu is due, in the chooser's own time zone. Pure, so it is tested
 * across time zones and daylight-saving changes without a clock. */

/** Each choice with how it reads after "Remind me". */
export const reminderChoices = {
  in1h: "in 1 hour",
  in3h: "in 3 hours",
  tomorrow: "tomorrow at 09:00",
  monday: "next Monday at 09:00",
} as const;

export type ReminderChoice = keyof typeof reminderChoices;

export function isReminderChoice(value: string): value is ReminderChoice {
  return Object.hasOwn(reminderChoices, value);
}

const hourMs = 3_600_000;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time in `timeZone` at `instant`, as if it were UTC (for calendar arithmetic). */
function wallClock(instant: number, timeZone: string): { utcLike: number; weekday: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const utcLike = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return { utcLike, weekday: new Date(utcLike).getUTCDay() };
}

/** The instant at which the wall clock in `timeZone` reads `local` (a UTC-like wall time). */
function instantOf(local: number, timeZone: string): number {
  // The zone's offset near that time, then corrected once more in case it changes in between (DST).
  let guess = local - (wallClock(local, timeZone).utcLike - local);
  guess = local - (wallClock(guess, timeZone).utcLike - guess);
  return guess;
}

/** 09:00 on the day `daysAhead` after today, in `timeZone`. */
function nineOClock(now: number, timeZone: string, daysAhead: (weekday: number) => number): number {
  const { utcLike, weekday } = wallClock(now, timeZone);
  const today = utcLike - (utcLike % (24 * hourMs));
  return instantOf(today + daysAhead(weekday) * 24 * hourMs + 9 * hourMs, timeZone);
}

export function reminderTime(choice: ReminderChoice, now: Date, timeZone: string): Date {
  const at = now.getTime();
  switch (choice) {
    case "in1h":
      return new Date(at + hourMs);
    case "in3h":
      return new Date(at + 3 * hourMs);
    case "tomorrow":
      return new Date(nineOClock(at, timeZone, () => 1));
    case "monday":
      // The coming Monday; on a Monday, the one a week later.
      return new Date(nineOClock(at, timeZone, (weekday) => (8 - weekday) % 7 || 7));
  }
}
