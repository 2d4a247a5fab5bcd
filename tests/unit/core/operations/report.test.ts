import { describe, expect, it } from "vitest";
import { parseBusinessHours } from "../../../../src/core/hours/business-hours.js";
import { percentile, summarize } from "../../../../src/core/operations/report.js";
import type { ReportHistory, ReportMessage } from "../../../../src/core/ports/reports.js";

const t0 = Date.parse("2026-12-07T10:00:00Z");
const min = 60_000;
const at = (offset: number) => new Date(t0 + offset);
const message = (
  conversationId: number,
  kind: ReportMessage["kind"],
  direction: "in" | "out",
  offset: number,
  authorId: string | null = null,
  status = direction === "in" ? "received" : "sent",
): ReportMessage => ({ conversationId, kind, direction, status, authorId, at: at(offset) });

/** A day in one channel; every number below is counted by hand from these rows. */
const history: ReportHistory = {
  opened: 3,
  closedBy: ["U1", null, "U2", "U1"],
  messages: [
    // A Messenger wait that began two days before the period, answered in it: 2 days 2 minutes.
    message(2, "messenger", "in", -2 * 24 * 60 * min),
    message(1, "sms", "in", 0),
    message(1, "sms", "in", 1 * min), // the same wait: it began at 0
    message(2, "messenger", "out", 2 * min, "U1", "sent"),
    message(1, "sms", "out", 5 * min, "U1", "delivered"), // 5 minutes
    message(1, "sms", "in", 10 * min),
    message(1, "sms", "out", 11 * min, null, "sent"), // automatic: the wait goes on
    message(1, "sms", "out", 30 * min, "U2", "failed"), // 20 minutes; failed: not counted as sent
    message(3, "whatsapp", "in", 60 * min), // still waiting
  ],
  nudges: 2,
  scores: [4, 5, 2],
};

describe("the report's numbers", () => {
  it("counts conversations, messages per channel, first responses, people and scores", () => {
    const report = summarize(history, t0 - 60 * min, null);
    expect(report.opened).toBe(3);
    expect(report.closed).toBe(4);
    expect(Object.fromEntries(report.messages)).toEqual({
      sms: { in: 3, out: 2 },
      messenger: { in: 0, out: 1 },
      whatsapp: { in: 1, out: 0 },
    });
    expect(report.firstResponses).toEqual([5 * min, 20 * min, (2 * 24 * 60 + 2) * min]);
    expect(percentile(report.firstResponses, 0.5)).toBe(20 * min);
    expect(percentile(report.firstResponses, 0.9)).toBe((2 * 24 * 60 + 2) * min);
    expect(report.breaches).toBe(2);
    expect(Object.fromEntries(report.replies)).toEqual({ U1: 2, U2: 1 });
    expect(Object.fromEntries(report.closes)).toEqual({ U1: 2, U2: 1 });
    expect(report.scores).toEqual([4, 5, 2]);
  });

  it("counts waits in business time when the team has hours", () => {
    const parsed = parseBusinessHours("Mon-Fri 09:00-17:00 UTC");
    if (!parsed.ok) throw new Error(parsed.problem);
    // 2026-12-07 is a Monday: the Messenger wait began Saturday 10:00, so only Monday 09:00–10:02 counts.
    const report = summarize(history, t0 - 60 * min, parsed.hours);
    expect(report.firstResponses).toEqual([5 * min, 20 * min, 62 * min]);
  });

  it("takes the nearest rank, never an interpolation", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});
