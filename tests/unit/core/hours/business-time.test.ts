import { describe, expect, it } from "vitest";
import { type BusinessHours, parseBusinessHours } from "../../../../src/core/hours/business-hours.js";
import {
  addBusinessTime,
  businessTimeBetween,
  isOpen,
  nextOpening,
  openPeriodAt,
} from "../../../../src/core/hours/business-time.js";

const minute = 60_000;
const hour = 60 * minute;
const hours = (text: string): BusinessHours => {
  const result = parseBusinessHours(text);
  if (!result.ok) throw new Error(result.problem);
  return result.hours;
};
const at = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();

const newYork = hours("Mon-Fri 09:00-17:00 America/New_York");

describe("business hours in a time zone", () => {
  it("is open inside the hours on listed days only", () => {
    // 2026-11-26 is a Thursday; New York is UTC-5 in November.
    expect(isOpen(newYork, at("2026-11-26T14:00:00Z"))).toBe(true);
    expect(isOpen(newYork, at("2026-11-26T13:59:59Z"))).toBe(false);
    expect(isOpen(newYork, at("2026-11-26T21:59:59Z"))).toBe(true);
    expect(isOpen(newYork, at("2026-11-26T22:00:00Z"))).toBe(false);
    expect(isOpen(newYork, at("2026-11-28T15:00:00Z"))).toBe(false);
    expect(isOpen(null, at("2026-11-28T15:00:00Z"))).toBe(true);
  });

  it("finds the next opening across a weekend", () => {
    // Friday 18:00 in New York → Monday 09:00.
    expect(iso(nextOpening(newYork, at("2026-11-27T23:00:00Z")))).toBe("2026-11-30T14:00:00.000Z");
    expect(nextOpening(newYork, at("2026-11-26T15:00:00Z"))).toBe(at("2026-11-26T15:00:00Z"));
  });

  it("adds business time, skipping nights and weekends", () => {
    expect(iso(addBusinessTime(newYork, at("2026-11-26T14:00:00Z"), 15 * minute))).toBe(
      "2026-11-26T14:15:00.000Z",
    );
    // Friday 16:50 + 15 min = Monday 09:05.
    expect(iso(addBusinessTime(newYork, at("2026-11-27T21:50:00Z"), 15 * minute))).toBe(
      "2026-11-30T14:05:00.000Z",
    );
    // Written on Saturday: the clock starts on Monday.
    expect(iso(addBusinessTime(newYork, at("2026-11-28T12:00:00Z"), 15 * minute))).toBe(
      "2026-11-30T14:15:00.000Z",
    );
    expect(addBusinessTime(null, 0, 15 * minute)).toBe(15 * minute);
    expect(businessTimeBetween(newYork, at("2026-11-27T21:50:00Z"), at("2026-11-30T14:05:00Z"))).toBe(
      15 * minute,
    );
  });

  it("runs a period overnight when it closes before it opens", () => {
    const nights = hours("Fri 22:00-06:00 UTC");
    expect(isOpen(nights, at("2026-11-27T23:00:00Z"))).toBe(true);
    expect(isOpen(nights, at("2026-11-28T05:59:00Z"))).toBe(true);
    expect(isOpen(nights, at("2026-11-28T06:00:00Z"))).toBe(false);
    // Thursday night is not Friday's shift.
    expect(isOpen(nights, at("2026-11-27T03:00:00Z"))).toBe(false);
    expect(iso(addBusinessTime(nights, at("2026-11-28T05:30:00Z"), hour))).toBe("2026-12-04T22:30:00.000Z");
  });

  it("is always open with 00:00-24:00 every day", () => {
    const always = hours("Mon-Sun 00:00-24:00 Europe/Berlin");
    expect(isOpen(always, at("2026-11-29T23:00:00Z"))).toBe(true);
    expect(addBusinessTime(always, at("2026-11-29T22:30:00Z"), hour)).toBe(at("2026-11-29T23:30:00Z"));
  });
});

describe("daylight-saving changes", () => {
  it("New York spring forward: Friday evening + 15 min is Monday 09:05 EDT (UTC-4)", () => {
    // Friday 2026-03-06 16:50 EST; clocks go forward on Sunday 2026-03-08.
    expect(iso(addBusinessTime(newYork, at("2026-03-06T21:50:00Z"), 15 * minute))).toBe(
      "2026-03-09T13:05:00.000Z",
    );
  });

  it("New York fall back: opens at 09:00 EST (UTC-5) the Monday after", () => {
    // Friday 2026-10-30 is still EDT; clocks go back on Sunday 2026-11-01.
    expect(iso(nextOpening(newYork, at("2026-10-30T22:00:00Z")))).toBe("2026-11-02T14:00:00.000Z");
  });

  it("a night shift across Berlin's spring forward is an hour shorter", () => {
    const night = hours("Sat 22:00-06:00 Europe/Berlin");
    // Saturday 2026-03-28 22:00 CET (21:00Z) to Sunday 06:00 CEST (04:00Z): 7 hours, not 8.
    const period = openPeriodAt(night, at("2026-03-29T01:00:00Z"));
    expect(period && [iso(period.start), iso(period.end)]).toEqual([
      "2026-03-28T21:00:00.000Z",
      "2026-03-29T04:00:00.000Z",
    ]);
    expect(businessTimeBetween(night, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(7 * hour);
  });

  it("a night shift across Berlin's fall back is an hour longer", () => {
    const night = hours("Sat 22:00-06:00 Europe/Berlin");
    // Saturday 2026-10-24 22:00 CEST (20:00Z) to Sunday 06:00 CET (05:00Z): 9 hours.
    expect(businessTimeBetween(night, at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"))).toBe(9 * hour);
    expect(iso(addBusinessTime(night, at("2026-10-24T20:00:00Z"), 8 * hour + 30 * minute))).toBe(
      "2026-10-25T04:30:00.000Z",
    );
  });

  it("an opening time the clock skips moves forward by the gap", () => {
    // 02:30 does not exist in New York on 2026-03-08: the team opens at 03:30 EDT (07:30Z).
    const early = hours("Sun 02:30-05:00 America/New_York");
    expect(iso(nextOpening(early, at("2026-03-08T00:00:00Z")))).toBe("2026-03-08T07:30:00.000Z");
  });

  it("an opening time the clock shows twice is its first occurrence", () => {
    // 01:30 happens twice in New York on 2026-11-01: first at 05:30Z (EDT).
    const early = hours("Sun 01:30-05:00 America/New_York");
    expect(iso(nextOpening(early, at("2026-11-01T00:00:00Z")))).toBe("2026-11-01T05:30:00.000Z");
  });
});
