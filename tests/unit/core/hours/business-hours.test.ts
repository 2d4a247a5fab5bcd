import { describe, expect, it } from "vitest";
import {
  formatBusinessHours,
  formatDuration,
  parseBusinessHours,
  parseDuration,
} from "../../../../src/core/hours/business-hours.js";

const parsed = (text: string) => {
  const result = parseBusinessHours(text);
  if (!result.ok) throw new Error(result.problem);
  return result.hours;
};
const problem = (text: string) => {
  const result = parseBusinessHours(text);
  if (result.ok) throw new Error(`${text} parsed`);
  return result.problem;
};

describe("parseBusinessHours", () => {
  it("reads a range of days, one time range and an IANA zone", () => {
    const hours = parsed("Mon-Fri 09:00-17:00 America/New_York");
    expect([...hours.days].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(hours).toMatchObject({ opens: 540, closes: 1020, timeZone: "America/New_York" });
  });

  it("reads lists, single days, full names, mixed case, wrapping ranges and forgiving spaces", () => {
    expect([...parsed("Mon,Wed,Fri 8:30-12:00 UTC").days].sort()).toEqual([1, 3, 5]);
    expect([...parsed("sat 10:00-14:00 utc").days]).toEqual([6]);
    expect(parsed("sat 10:00-14:00 utc").timeZone).toBe("UTC");
    expect([...parsed("Friday-Monday 10:00-14:00 Europe/Berlin").days].sort()).toEqual([0, 1, 5, 6]);
    expect(formatBusinessHours(parsed("Mon - Wed , Sat 09:00 - 17:00 europe/berlin"))).toBe(
      "Mon-Wed,Sat 09:00-17:00 Europe/Berlin",
    );
  });

  it("takes 24:00 as the end of the day and an earlier closing time as overnight", () => {
    expect(parsed("Mon-Sun 00:00-24:00 UTC")).toMatchObject({ opens: 0, closes: 1440 });
    expect(parsed("Fri 22:00-06:00 UTC")).toMatchObject({ opens: 1320, closes: 360 });
  });

  it("writes a canonical form that parses back to itself", () => {
    for (const text of [
      "Mon-Fri 09:00-17:00 America/New_York",
      "Mon,Wed,Fri 08:30-12:00 UTC",
      "Sat 10:00-14:00 UTC",
      "Mon,Tue 09:00-17:00 UTC",
      "Mon-Sun 22:00-06:00 Asia/Tokyo",
    ]) {
      expect(formatBusinessHours(parsed(text))).toBe(text);
    }
    expect(formatBusinessHours(parsed("Sun,Sat 09:00-17:00 UTC"))).toBe("Sat,Sun 09:00-17:00 UTC");
  });

  it("refuses bad days, times and zones, naming the problem and giving an example", () => {
    expect(problem("Mon-Fry 09:00-17:00 UTC")).toContain("`Fry` is not a day");
    expect(problem("Mo 09:00-17:00 UTC")).toContain("`Mo` is not a day");
    expect(problem("Mon-,Fri 09:00-17:00 UTC")).toContain("is not a day");
    expect(problem("Mon-Fri 9-17 UTC")).toContain("`9-17` is not a time range");
    expect(problem("Mon-Fri 09:00-25:00 UTC")).toContain("is not a time range");
    expect(problem("Mon-Fri 09:60-17:00 UTC")).toContain("is not a time range");
    expect(problem("Mon-Fri 24:00-17:00 UTC")).toContain("is not a time range");
    expect(problem("Mon-Fri 09:00-09:00 UTC")).toContain("opens and closes at the same time");
    expect(problem("Mon-Fri 09:00-17:00 Mars/Olympus_Mons")).toContain(
      "`Mars/Olympus_Mons` is not a time zone",
    );
    expect(problem("Mon-Fri 09:00-17:00 EST")).toContain("`EST` is not a time zone");
    expect(problem("Mon-Fri 09:00-17:00 +02:00")).toContain("is not a time zone");
    expect(problem("Mon-Fri 09:00-17:00")).toContain("is not days, a time range and a time zone");
    expect(problem("")).toContain("Say which hours");
    for (const text of ["Mon-Fri 9-17 UTC", "", "Mon-Fri 09:00-17:00 EST"]) {
      expect(problem(text)).toContain("`/threadline hours Mon-Fri 09:00-17:00 America/New_York`");
    }
  });
});

describe("parseDuration", () => {
  it("reads minutes, hours and both, up to a day", () => {
    expect(parseDuration("15m")).toBe(15);
    expect(parseDuration("90min")).toBe(90);
    expect(parseDuration("2h")).toBe(120);
    expect(parseDuration("1h30m")).toBe(90);
    expect(parseDuration("1d")).toBe(1440);
  });

  it("refuses what is not a duration, zero, and more than a day", () => {
    for (const text of ["15", "m", "0m", "soon", "2h-5m", "25h", "1.5h", ""])
      expect(parseDuration(text)).toBeNull();
  });

  it("says durations in words", () => {
    expect([15, 60, 90].map(formatDuration)).toEqual(["15 min", "1 h", "1 h 30 min"]);
  });
});
