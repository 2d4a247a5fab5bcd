import { canonicalTimeZone } from "../zoned-time.js";

/* A team's business hours as typed in Slack (`Mon-Fri 09:00-17:00 America/New_York`), parsed into a value the
 * business-time arithmetic works on, and written back in one canonical form (what is stored and shown). */

export interface BusinessHours {
  /** Weekdays a period starts on, 0 = Sunday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after local midnight: opening, and closing (up to 1440). Closing before opening runs overnight. */
  readonly opens: number;
  readonly closes: number;
  readonly timeZone: string;
}

export const dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const fullDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

export const hoursExample = "`/threadline hours Mon-Fri 09:00-17:00 America/New_York`";

export type HoursParse =
  | { readonly ok: true; readonly hours: BusinessHours }
  | { readonly ok: false; readonly problem: string };

/** `mon`, `Monday`, `thu`, `Thurs`: three letters or more of the day's English name. */
function dayNumber(word: string): number | null {
  const lower = word.toLowerCase();
  if (lower.length < 3) return null;
  const index = fullDayNames.findIndex((name) => name.startsWith(lower));
  return index === -1 ? null : index;
}

/** `Mon-Fri`, `Mon,Wed,Fri`, `Sat`, `Fri-Mon` (wrapping over the weekend), or a mix: `Mon-Wed,Sat`. */
function parseDays(text: string): ReadonlySet<number> | string {
  const days = new Set<number>();
  for (const item of text.split(",")) {
    const ends = item.split("-");
    if (ends.length > 2 || ends.some((end) => end === ""))
      return `\`${item || text}\` is not a day or a range of days`;
    const [first, last = first] = ends.map(dayNumber);
    if (first === null || last === null || first === undefined) {
      const bad = ends.find((end) => dayNumber(end) === null) ?? item;
      return `\`${bad}\` is not a day (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)`;
    }
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

/** `9:00`, `09:00`, `17:30`; `24:00` only as a closing time (end of the day). */
function parseTime(text: string, closing: boolean): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0 && closing) return 1440;
  return hours <= 23 ? hours * 60 + minutes : null;
}

/** Never throws: every problem is said with an example of what works. */
export function parseBusinessHours(text: string): HoursParse {
  const fail = (problem: string): HoursParse => ({
    ok: false,
    problem: `${problem}. Give days, one time range and a time zone (days like \`Mon,Wed,Fri\` or \`Sat\` work too, \`UTC\` is a time zone, \`off\` is always open). For example: ${hoursExample}.`,
  });
  // Spaces around `-` and `,` are forgiven: `Mon - Fri 09:00 - 17:00`.
  const words = text
    .trim()
    .replace(/\s*([-,])\s*/g, "$1")
    .split(/\s+/)
    .filter(Boolean);
  if (words.length !== 3) {
    return fail(
      words.length === 0 ? "Say which hours" : `\`${text.trim()}\` is not days, a time range and a time zone`,
    );
  }
  const [dayText, rangeText, zoneText] = words as [string, string, string];
  const days = parseDays(dayText);
  if (typeof days === "string") return fail(days);
  const [opensText = "", closesText = "", ...extra] = rangeText.split("-");
  const opens = parseTime(opensText, false);
  const closes = parseTime(closesText, true);
  if (extra.length > 0 || opens === null || closes === null) {
    return fail(`\`${rangeText}\` is not a time range (use 24-hour times like \`09:00-17:00\`)`);
  }
  if (opens === closes) {
    return fail(`\`${rangeText}\` opens and closes at the same time; for all day use \`00:00-24:00\``);
  }
  // Offsets and abbreviations (`+02:00`, `EST`) are not places: their daylight-saving rules are not known.
  const timeZone =
    /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zoneText) && /\/|^utc$/i.test(zoneText)
      ? canonicalTimeZone(zoneText)
      : null;
  if (!timeZone) {
    return fail(
      `\`${zoneText}\` is not a time zone I know (use an IANA name like \`Europe/Berlin\` or \`UTC\`)`,
    );
  }
  return { ok: true, hours: { days, opens, closes, timeZone } };
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** `Mon-Fri`, `Mon,Wed,Fri`, `Sat`, `Mon-Sun`: runs of consecutive days (Monday first) joined by commas. */
function formatDays(days: ReadonlySet<number>): string {
  const order = [1, 2, 3, 4, 5, 6, 0];
  const runs: number[][] = [];
  for (const day of order) {
    if (!days.has(day)) continue;
    const run = runs.at(-1);
    const previous = run?.at(-1);
    if (run && previous !== undefined && order.indexOf(previous) === order.indexOf(day) - 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) => {
      const first = dayNames[run[0] as number];
      const last = dayNames[run.at(-1) as number];
      if (run.length === 1) return first;
      return run.length === 2 ? `${first},${last}` : `${first}-${last}`;
    })
    .join(",");
}

/** The canonical form, which parses back to the same hours. */
export function formatBusinessHours(hours: BusinessHours): string {
  return `${formatDays(hours.days)} ${clock(hours.opens)}-${clock(hours.closes)} ${hours.timeZone}`;
}

/** A time and day as the team reads them (`Mon 09:00`). */
export function formatLocalTime(local: number): string {
  const date = new Date(local);
  return `${dayNames[date.getUTCDay()]} ${clock(date.getUTCHours() * 60 + date.getUTCMinutes())}`;
}

const durationUnits: Record<string, number> = { m: 1, min: 1, h: 60, hr: 60, d: 1440 };
/** A response-time target is at most one business day of a round-the-clock team. */
export const maxTargetMinutes = 1440;

/** `15m`, `2h`, `1h30m`, `90min` → minutes; null when it is not one, or out of 1 minute … 24 hours. */
export function parseDuration(text: string): number | null {
  const compact = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!/^(\d+(m|min|h|hr|d))+$/.test(compact)) return null;
  let minutes = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)(min|hr|m|h|d)/g)) {
    minutes += Number(amount) * (durationUnits[unit as string] as number);
  }
  return minutes >= 1 && minutes <= maxTargetMinutes ? minutes : null;
}

/** `15 min`, `2 h`, `1 h 30 min`. */
export function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
