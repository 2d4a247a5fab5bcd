import { describe, expect, it } from "vitest";
import {
  nextSendingTime,
  recipientZones,
  SendingTimes,
} from "../../../src/core/campaigns/recipient-hours.js";

const utc = (iso: string) => Date.parse(iso);

describe("recipient time zones", () => {
  it.each([
    ["+12125550100", "US", ["America/New_York"]],
    ["+13125550100", "US", ["America/Chicago"]],
    ["+19155550100", "US", ["America/Denver"]],
    ["+16025550100", "US", ["America/Phoenix"]],
    ["+14155550100", "US", ["America/Los_Angeles"]],
    ["+18085550100", "US", ["Pacific/Honolulu"]],
    ["+16045550100", "CA", ["America/Vancouver"]],
    ["whatsapp:+14165550100", "CA", ["America/Toronto"]],
    // An area code outside the table: every zone of the continental US must be within hours.
    ["+15555550100", "US", ["America/New_York", "America/Los_Angeles"]],
    ["+447700900123", "GB", ["Europe/London"]],
    ["+61412345678", "AU", ["Australia/Sydney", "Australia/Perth"]],
    // A country without a zone in the table, and a number in no country.
    ["+2348031234567", "NG", []],
    ["+882100000000", null, []],
  ])("%s (%s) is in %j", (address, country, zones) => {
    expect(recipientZones(address, country)).toEqual(zones);
  });
});

describe("the next time a campaign may reach a recipient", () => {
  const newYork = ["America/New_York"];

  it("is now between 09:00 and 20:00 where they are", () => {
    const now = utc("2026-12-07T14:00:00Z"); // 09:00 in New York
    expect(nextSendingTime(newYork, now)).toBe(now);
    expect(nextSendingTime(newYork, utc("2026-12-08T00:59:59Z"))).toBe(utc("2026-12-08T00:59:59Z")); // 19:59:59
  });

  it("is their next 09:00 before and after", () => {
    expect(nextSendingTime(newYork, utc("2026-12-07T13:59:00Z"))).toBe(utc("2026-12-07T14:00:00Z"));
    expect(nextSendingTime(newYork, utc("2026-12-08T01:00:00Z"))).toBe(utc("2026-12-08T14:00:00Z")); // 20:00
  });

  it("holds in every zone when the zone is not known within the country", () => {
    const us = ["America/New_York", "America/Los_Angeles"];
    // 10:00 in New York is 07:00 in Los Angeles: wait for 09:00 there (12:00 in New York).
    expect(nextSendingTime(us, utc("2026-12-07T15:00:00Z"))).toBe(utc("2026-12-07T17:00:00Z"));
    // 20:00 in New York: the next day's 09:00 in Los Angeles.
    expect(nextSendingTime(us, utc("2026-12-08T01:00:00Z"))).toBe(utc("2026-12-08T17:00:00Z"));
  });

  it("follows daylight saving time", () => {
    // 09:00 in New York is 13:00 UTC in summer.
    expect(nextSendingTime(newYork, utc("2026-07-01T12:00:00Z"))).toBe(utc("2026-07-01T13:00:00Z"));
  });

  it("has no time for zones that never share the hours, nor for none", () => {
    expect(nextSendingTime(["Europe/London", "Pacific/Auckland"], utc("2026-12-07T12:00:00Z"))).toBeNull();
    expect(nextSendingTime([], utc("2026-12-07T12:00:00Z"))).toBeNull();
  });
});

describe("sending times for many numbers", () => {
  it("answers as nextSendingTime does, now when within hours, the opening otherwise", () => {
    let now = utc("2026-12-07T13:59:30Z"); // 08:59:30 in New York
    const times = new SendingTimes(() => now);
    expect(times.next(["America/New_York"])).toBe(utc("2026-12-07T14:00:00Z"));
    now = utc("2026-12-07T14:00:10Z");
    expect(times.next(["America/New_York"])).toBe(now);
    now = utc("2026-12-07T14:00:50Z");
    expect(times.next(["America/New_York"])).toBe(now);
    expect(times.next(["Europe/London", "Pacific/Auckland"])).toBeNull();
  });
});
