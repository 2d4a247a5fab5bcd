/* Wall-clock time in IANA time zones with nothing but Intl: no time-zone library, as Node ships the zone data.
 * "Local" times are epoch-ms numbers read as if the zone's wall clock were UTC, for calendar arithmetic. */

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The zone's canonical name (`utc` → `UTC`), or null when this runtime does not know it. */
export function canonicalTimeZone(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== null;
}

/** The wall-clock date and time in `timeZone` at `instant`, as if it were UTC, and its weekday (0 = Sunday). */
export function wallClock(instant: number, timeZone: string): { utcLike: number; weekday: number } {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
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

/** Midnight of the local day `local` falls on. */
export const startOfLocalDay = (local: number) => local - (((local % dayMs) + dayMs) % dayMs);

const offsetAt = (instant: number, timeZone: string) => wallClock(instant, timeZone).utcLike - instant;

/**
 * The instant at which the wall clock in `timeZone` reads `local`. A time the clock skips (spring forward) is
 * moved forward by the gap (02:30 becomes 03:30); a time it shows twice (fall back) is its first occurrence.
 */
export function instantOf(local: number, timeZone: string): number {
  // The offsets half a day either side cover any single change of offset around `local`.
  const before = offsetAt(local - dayMs / 2, timeZone);
  const after = offsetAt(local + dayMs / 2, timeZone);
  const candidates = [local - before, local - after].filter(
    (instant) => wallClock(instant, timeZone).utcLike === local,
  );
  return candidates.length > 0 ? Math.min(...candidates) : local - before;
}
