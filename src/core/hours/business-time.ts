import { instantOf, startOfLocalDay, wallClock } from "../zoned-time.js";
import type { BusinessHours } from "./business-hours.js";

/* Arithmetic in business time. Open periods are built from local days: each listed day opens at its opening
 * time and closes at its closing time, the next day when that is earlier (overnight). Both ends are wall-clock
 * times turned into instants on that day, so a daylight-saving change makes a period an hour shorter or
 * longer, as the team's clocks do. Null hours mean always open. */

const dayMs = 86_400_000;
const minuteMs = 60_000;

export interface OpenPeriod {
  readonly start: number;
  readonly end: number;
}

/** Open periods in start order, from the one that began on the local day before `instant`'s onwards. */
function* periodsFrom(hours: BusinessHours, instant: number): Generator<OpenPeriod> {
  const today = startOfLocalDay(wallClock(instant, hours.timeZone).utcLike);
  const overnight = hours.closes <= hours.opens;
  for (let day = today - dayMs; ; day += dayMs) {
    if (!hours.days.has(new Date(day).getUTCDay())) continue;
    const closingDay = overnight ? day + dayMs : day;
    yield {
      start: instantOf(day + hours.opens * minuteMs, hours.timeZone),
      end: instantOf(closingDay + hours.closes * minuteMs, hours.timeZone),
    };
  }
}

/** The open period `instant` is in, or null when the team is closed then. */
export function openPeriodAt(hours: BusinessHours | null, instant: number): OpenPeriod | null {
  if (!hours) return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
  for (const period of periodsFrom(hours, instant)) {
    if (period.start > instant) return null;
    if (instant < period.end) return period;
  }
  return null;
}

export const isOpen = (hours: BusinessHours | null, instant: number) => openPeriodAt(hours, instant) !== null;

/** When the team next opens after `instant` (the end of the closed period it is in); `instant` when open. */
export function nextOpening(hours: BusinessHours | null, instant: number): number {
  if (!hours) return instant;
  for (const period of periodsFrom(hours, instant)) {
    if (instant < period.end) return Math.max(instant, period.start);
  }
  return instant;
}

/** The instant `durationMs` of open time after `from`: closed time does not count. */
export function addBusinessTime(hours: BusinessHours | null, from: number, durationMs: number): number {
  if (!hours) return from + durationMs;
  let remaining = durationMs;
  let at = from;
  for (const period of periodsFrom(hours, from)) {
    if (period.end <= at) continue;
    at = Math.max(at, period.start);
    if (remaining <= period.end - at) return at + remaining;
    remaining -= period.end - at;
    at = period.end;
  }
  return at;
}

/** How much open time lies between `from` and `to`. */
export function businessTimeBetween(hours: BusinessHours | null, from: number, to: number): number {
  if (to <= from) return 0;
  if (!hours) return to - from;
  let total = 0;
  for (const period of periodsFrom(hours, from)) {
    if (period.start >= to) break;
    total += Math.max(0, Math.min(period.end, to) - Math.max(period.start, from));
  }
  return total;
}
