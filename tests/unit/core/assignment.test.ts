import { describe, expect, it } from "vitest";
import { assigneeOptions, type Teammate, unassignValue } from "../../../src/core/assignment.js";

const person = (
  id: string,
  displayName: string,
  realName: string,
  extra: Partial<Teammate> = {},
): Teammate => ({
  id,
  handle: displayName.toLowerCase(),
  displayName,
  realName,
  isBot: false,
  deleted: false,
  ...extra,
});

const members = [
  person("U3", "zoe", "Zoe Zhang"),
  person("U1", "ana", "Ana Alves"),
  person("U2", "Bruno", "Bruno Costa"),
  person("B1", "helper-bot", "Helper", { isBot: true }),
  person("U4", "gone", "Gone Person", { deleted: true }),
];

describe("assigneeOptions", () => {
  it("lists the channel's active humans sorted by name", () => {
    expect(assigneeOptions(members, "", null).map((o) => o.value)).toEqual(["U1", "U2", "U3"]);
  });

  it("filters case-insensitively on display and real name", () => {
    expect(assigneeOptions(members, "COSTA", null).map((o) => o.value)).toEqual(["U2"]);
    expect(assigneeOptions(members, "an", null).map((o) => o.value)).toEqual(["U1", "U3"]);
  });

  it("offers Unassign first only when someone is assigned", () => {
    expect(assigneeOptions(members, "", "U1")[0]).toEqual({ label: "Unassign", value: unassignValue });
    expect(assigneeOptions(members, "", null).some((o) => o.value === unassignValue)).toBe(false);
  });

  it("answers at most 100 options", () => {
    const many = Array.from({ length: 150 }, (_, i) => person(`U${1000 + i}`, `agent${1000 + i}`, ""));
    expect(assigneeOptions(many, "agent", null)).toHaveLength(100);
  });
});
