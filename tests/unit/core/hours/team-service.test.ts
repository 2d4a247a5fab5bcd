import { describe, expect, it } from "vitest";
import { serviceOnInbound } from "../../../../src/core/hours/team-service.js";
import type { Conversation, TeamSettings } from "../../../../src/core/model.js";

const conversation: Conversation = {
  id: 1,
  inboxId: 1,
  contactId: 1,
  status: "open",
  optedOut: false,
  assigneeId: null,
  closedBy: null,
  closedAt: null,
  slackChannelId: "C1",
  slackThreadTs: "1.1",
  lastInboundAt: null,
  awayRepliedUntil: null,
  unansweredSince: null,
};
const team: TeamSettings = {
  hours: "Mon-Fri 09:00-17:00 America/New_York",
  awayMessage: "We're closed",
  slaMinutes: 15,
};
const at = (iso: string) => Date.parse(iso);
// Thursday 2026-11-26 18:00 in New York (closed); the team opens on Friday at 09:00 (14:00Z).
const thursdayEvening = at("2026-11-26T23:00:00Z");

describe("what a customer's message means for the team's hours and target", () => {
  it("answers while closed once per closed period, remembering when the period ends", () => {
    const first = serviceOnInbound(team, conversation, thursdayEvening, true);
    expect(first.awayReply).toBe("We're closed");
    expect(first.conversation.awayRepliedUntil).toEqual(new Date("2026-11-27T14:00:00Z"));
    const replied = { ...conversation, awayRepliedUntil: first.conversation.awayRepliedUntil ?? null };
    expect(serviceOnInbound(team, replied, thursdayEvening + 3_600_000, true).awayReply).toBeNull();
    // Friday evening is another closed period.
    expect(serviceOnInbound(team, replied, at("2026-11-27T23:00:00Z"), true).awayReply).toBe("We're closed");
  });

  it("sends nothing when open, without hours, without a message, or when the customer can't be written to", () => {
    expect(serviceOnInbound(team, conversation, at("2026-11-27T15:00:00Z"), true).awayReply).toBeNull();
    expect(
      serviceOnInbound({ ...team, hours: null }, conversation, thursdayEvening, true).awayReply,
    ).toBeNull();
    expect(
      serviceOnInbound({ ...team, awayMessage: null }, conversation, thursdayEvening, true).awayReply,
    ).toBeNull();
    expect(serviceOnInbound(team, conversation, thursdayEvening, false).awayReply).toBeNull();
    expect(serviceOnInbound(null, conversation, thursdayEvening, true).awayReply).toBeNull();
  });

  it("starts a wait with a nudge due in business time; a message during a wait starts nothing", () => {
    const first = serviceOnInbound(team, conversation, thursdayEvening, true);
    expect(first.conversation.unansweredSince).toEqual(new Date(thursdayEvening));
    expect(first.nudgeAt).toBe(at("2026-11-27T14:15:00Z"));
    const waiting = { ...conversation, unansweredSince: new Date(thursdayEvening) };
    const second = serviceOnInbound(team, waiting, thursdayEvening + 60_000, true);
    expect(second.nudgeAt).toBeNull();
    expect(second.conversation.unansweredSince).toBeUndefined();
    // A closed conversation that reopens starts a new wait.
    expect(
      serviceOnInbound(team, { ...waiting, status: "closed" }, thursdayEvening, true).nudgeAt,
    ).not.toBeNull();
    expect(
      serviceOnInbound({ ...team, slaMinutes: null }, conversation, thursdayEvening, true).nudgeAt,
    ).toBeNull();
  });
});
