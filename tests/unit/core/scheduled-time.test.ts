import { describe, expect, it } from "vitest";
import { formatWhen, parseLaterReply, scheduledTime } from "../../../src/core/scheduled-time.js";

// Monday 2026-12-07 10:15 in New York (15:15 UTC).
const now = new Date("2026-12-07T15:15:00Z");
const zone = "America/New_York";
const at = (when: string, timeZone = zone, from = now) => {
  const time = scheduledTime(when, from, timeZone);
  if ("problem" in time) throw new Error(time.problem);
  return time.at.toISOString();
};
const problem = (when: string, from = now) => {
  const time = scheduledTime(when, from, zone);
  return "problem" in time ? time.problem : `scheduled ${time.at.toISOString()}`;
};

describe("parseLaterReply", () => {
  it.each([
    ["later 9am: See you", { when: "9am", body: "See you" }],
    ["Later tomorrow 14:30: Your order\nshipped", { when: "tomorrow 14:30", body: "Your order\nshipped" }],
    ["later Mon 09:00: hi: there", { when: "Mon 09:00", body: "hi: there" }],
    ["later in 2h:", { when: "in 2h", body: "" }],
  ])("%j", (text, expected) => {
    expect(parseLaterReply(text)).toEqual(expected);
  });

  it.each(["later", "See you later: ok", "later\n9am: hi", "laterx 9am: hi"])(
    "%j is an ordinary reply",
    (text) => {
      expect(parseLaterReply(text)).toBeNull();
    },
  );
});

describe("scheduledTime in the writer's time zone", () => {
  it.each([
    ["in 2h", "2026-12-07T17:15:00.000Z"],
    ["in 30m", "2026-12-07T15:45:00.000Z"],
    ["in 1h30m", "2026-12-07T16:45:00.000Z"],
    ["in 1 hour 5 min", "2026-12-07T16:20:00.000Z"],
    ["5pm", "2026-12-07T22:00:00.000Z"],
    ["5:30 PM", "2026-12-07T22:30:00.000Z"],
    ["14:30", "2026-12-07T19:30:00.000Z"],
    ["today 12pm", "2026-12-07T17:00:00.000Z"],
    ["tomorrow 14:30", "2026-12-08T19:30:00.000Z"],
    ["tomorrow 9am", "2026-12-08T14:00:00.000Z"],
    ["Tue 09:00", "2026-12-08T14:00:00.000Z"],
    ["friday 12am", "2026-12-11T05:00:00.000Z"],
    // Today is a Monday: 09:00 has passed, so the next one; 11:00 has not.
    ["Mon 09:00", "2026-12-14T14:00:00.000Z"],
    ["monday 11:00", "2026-12-07T16:00:00.000Z"],
  ])("%j", (when, expected) => {
    expect(at(when)).toBe(expected);
  });

  it("reads the same words in another zone (in Tokyo it is already Tuesday 00:15)", () => {
    expect(at("tomorrow 9am", "Asia/Tokyo")).toBe("2026-12-09T00:00:00.000Z");
    expect(at("9am", "Asia/Tokyo")).toBe("2026-12-08T00:00:00.000Z");
  });

  it("follows daylight saving: 9am the day after the change is 9am local", () => {
    const saturday = new Date("2026-03-07T15:00:00Z");
    expect(at("Mon 9am", zone, saturday)).toBe("2026-03-09T13:00:00.000Z");
  });

  it.each([
    [
      "9am",
      /^Mon 9:00 AM has passed, so nothing was scheduled\. Say a time to come, e.g\. `later tomorrow 9am: …`\.$/,
    ],
    ["today 10:00", /has passed/],
    ["soon", /^I can't read `soon` as a time\. Say `later 9am: …`/],
    ["9", /^I can't read `9`/],
    ["25:00", /^I can't read/],
    ["13pm", /^I can't read/],
    ["in", /^I can't read/],
    ["in 0m", /is now, not later/],
    ["tomorrow", /^Say a time too: `later tomorrow 9am: …`\.$/],
    ["in 800h", /more than 30 days away/],
  ])("%j is refused", (when, expected) => {
    expect(problem(when)).toMatch(expected);
  });
});

describe("formatWhen", () => {
  it("reads like 'Tue 9:00 AM', with the date a week or more away", () => {
    expect(formatWhen(new Date("2026-12-08T14:00:00Z"), zone, now)).toBe("Tue 9:00 AM");
    expect(formatWhen(new Date("2026-12-14T14:00:00Z"), zone, now)).toBe("Mon, Dec 14, 9:00 AM");
  });
});
