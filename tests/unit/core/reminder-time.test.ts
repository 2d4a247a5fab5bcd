import { describe, expect, it } from "vitest";
import { isReminderChoice, reminderTime } from "../../../src/core/reminder-time.js";
import { isKnownTimeZone } from "../../../src/core/zoned-time.js";

describe("reminder times, in the chooser's time zone", () => {
  // Wednesday 25 November 2026, 23:30 in Los Angeles (UTC-8) is already Thursday in UTC.
  const lateWednesdayInLosAngeles = new Date("2026-11-26T07:30:00Z");

  it("adds hours for the relative choices", () => {
    expect(reminderTime("in1h", lateWednesdayInLosAngeles, "America/Los_Angeles")).toEqual(
      new Date("2026-11-26T08:30:00Z"),
    );
    expect(reminderTime("in3h", lateWednesdayInLosAngeles, "UTC")).toEqual(new Date("2026-11-26T10:30:00Z"));
  });

  it("takes 'tomorrow' and 'next Monday' from the local calendar, not UTC's", () => {
    expect(reminderTime("tomorrow", lateWednesdayInLosAngeles, "America/Los_Angeles")).toEqual(
      new Date("2026-11-26T17:00:00Z"),
    );
    expect(reminderTime("tomorrow", lateWednesdayInLosAngeles, "UTC")).toEqual(
      new Date("2026-11-27T09:00:00Z"),
    );
    expect(reminderTime("tomorrow", lateWednesdayInLosAngeles, "Asia/Kolkata")).toEqual(
      new Date("2026-11-27T03:30:00Z"),
    );
    expect(reminderTime("monday", lateWednesdayInLosAngeles, "America/Los_Angeles")).toEqual(
      new Date("2026-11-30T17:00:00Z"),
    );
  });

  it("on a Monday, 'next Monday' is a week later", () => {
    const mondayMorningInParis = new Date("2026-11-30T07:00:00Z");
    expect(reminderTime("monday", mondayMorningInParis, "Europe/Paris")).toEqual(
      new Date("2026-12-07T08:00:00Z"),
    );
  });

  it("keeps 09:00 local across a daylight-saving change", () => {
    // Saturday 7 March 2026 in New York (UTC-5); clocks go forward on Sunday the 8th.
    const saturday = new Date("2026-03-07T15:00:00Z");
    expect(reminderTime("monday", saturday, "America/New_York")).toEqual(new Date("2026-03-09T13:00:00Z"));
    expect(reminderTime("tomorrow", saturday, "America/New_York")).toEqual(new Date("2026-03-08T13:00:00Z"));
  });

  it("knows its choices and the zones the runtime knows", () => {
    expect(isReminderChoice("tomorrow")).toBe(true);
    expect(isReminderChoice("toString")).toBe(false);
    expect(isKnownTimeZone("Europe/Lisbon")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
