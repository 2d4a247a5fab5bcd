import { describe, expect, it } from "vitest";
import { parseCampaignCommand } from "../../../src/core/campaigns/campaign-command.js";
import { parseTagReply } from "../../../src/core/campaigns/tags.js";

describe("tag replies", () => {
  it.each([
    ["tag: vip wholesale", { action: "tag", tags: ["vip", "wholesale"] }],
    ["Tag: #VIP, vip", { action: "tag", tags: ["vip"] }],
    ["*untag*: vip", { action: "untag", tags: ["vip"] }],
    ["untag:ship-weekly  a_b", { action: "untag", tags: ["ship-weekly", "a_b"] }],
  ])("%j is %j", (text, request) => {
    expect(parseTagReply(text)).toEqual(request);
  });

  it.each([
    ["tag:", "Name at least one tag"],
    ["tag: vip!", "`vip!` can't be a tag"],
    [`tag: ${"x".repeat(33)}`, "can't be a tag"],
  ])("%j is refused: %s", (text, problem) => {
    const parsed = parseTagReply(text);
    expect(parsed && "problem" in parsed ? parsed.problem : "").toContain(problem);
  });

  it.each(["tagged you in the photo", "note: tag: vip", "Hello, tag: vip", "tags: vip"])(
    "%j is an ordinary reply",
    (text) => {
      expect(parseTagReply(text)).toBeNull();
    },
  );
});

describe("/threadline campaign", () => {
  it.each([
    ["#vip Spring sale", { tag: "vip", from: null, message: "Spring sale" }],
    ["all Spring\nsale", { tag: null, from: null, message: "Spring\nsale" }],
    ["#VIP from +15550001111 Hi", { tag: "vip", from: "+15550001111", message: "Hi" }],
    ["ALL template: HX0123 Maya", { tag: null, from: null, message: "template: HX0123 Maya" }],
  ])("%j is %j", (text, request) => {
    expect(parseCampaignCommand(text)).toEqual(request);
  });

  it.each([
    ["", "Say who gets it and what"],
    ["vip Spring sale", "`vip` is not an audience"],
    ["#vip", "Say what to send after the audience"],
    ["#vip from +15550001111", "Say what to send after the audience"],
    ["#no!tag hi", "`#no!tag` is not an audience"],
  ])("%j is refused: %s", (text, problem) => {
    const parsed = parseCampaignCommand(text);
    expect("problem" in parsed ? parsed.problem : "").toContain(problem);
  });
});
