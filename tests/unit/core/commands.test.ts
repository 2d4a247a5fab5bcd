import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/app.js";
import { channelRegistry, createChannelModules } from "../../../src/channels/registry.js";
import { parseSlashCommand } from "../../../src/core/command-parser.js";

const channels = channelRegistry(
  createChannelModules(
    loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", PUBLIC_URL: "https://h.example" }),
  ),
);

describe("parseSlashCommand", () => {
  it.each([
    ["", { name: "help" }],
    ["help", { name: "help" }],
    ["HELP", { name: "help" }],
    ["status", { name: "status" }],
    ["connect sms +15550001111", { name: "connect", kind: "sms", address: "+15550001111" }],
    ["  connect   SMS  +1 (555) 000-1111 ", { name: "connect", kind: "sms", address: "+15550001111" }],
    [
      "disconnect +15550001111",
      {
        name: "disconnect",
        // A bare number may be an SMS or a WhatsApp inbox: the one connected here is disconnected.
        addresses: [
          { kind: "sms", address: "+15550001111" },
          { kind: "whatsapp", address: "+15550001111" },
        ],
      },
    ],
    [
      "disconnect sms +15550001111",
      { name: "disconnect", addresses: [{ kind: "sms", address: "+15550001111" }] },
    ],
    [
      "text +15557654321 Your table is ready",
      { name: "text", request: { to: "+15557654321", from: null, message: "Your table is ready" } },
    ],
    [
      "text +15557654321 from +15550001111 Line one\n  line two",
      {
        name: "text",
        request: { to: "+15557654321", from: "+15550001111", message: "Line one\n  line two" },
      },
    ],
    [
      "TEXT +15557654321 from now on we open at 9",
      { name: "text", request: { to: "+15557654321", from: null, message: "from now on we open at 9" } },
    ],
    ["text +15557654321", { name: "text", request: { to: "+15557654321", from: null, message: "" } }],
    ["find refund  order", { name: "find", text: "refund  order" }],
    ["find", { name: "find", text: "" }],
  ])("%j", (text, expected) => {
    expect(parseSlashCommand(text, channels)).toEqual(expected);
  });

  it.each([
    ["connect sms 5550001111", "is not a valid SMS address"],
    ["connect sms +1555", "is not a valid SMS address"],
    ["connect sms", "Give the SMS address to connect"],
    ["connect fax +15550001111", "Say which channel to connect"],
    ["disconnect", "Give the number or Page id"],
    ["disconnect ???", "is not a phone number or Page id"],
    ["status now", "takes no arguments"],
    ["launch", "I don't know the command `launch`"],
    ["text", "Say who to text and what"],
  ])("%j is refused with a reason", (text, reason) => {
    const command = parseSlashCommand(text, channels);
    expect(command.name).toBe("invalid");
    expect(command.name === "invalid" && command.problem).toContain(reason);
  });
});

describe("parseSlashCommand: hours, away and sla", () => {
  it("shows with no argument, clears with off, and sets otherwise", () => {
    expect(parseSlashCommand("hours", channels)).toEqual({ name: "team", command: { name: "hours" } });
    expect(parseSlashCommand("HOURS off", channels)).toEqual({
      name: "team",
      command: { name: "hours", hours: null },
    });
    expect(parseSlashCommand("hours Sat 10:00-14:00 UTC", channels)).toMatchObject({
      name: "team",
      command: { name: "hours", hours: { opens: 600, closes: 840, timeZone: "UTC" } },
    });
    expect(parseSlashCommand("sla 1h30m", channels)).toEqual({
      name: "team",
      command: { name: "sla", minutes: 90 },
    });
    expect(parseSlashCommand("sla off", channels)).toEqual({
      name: "team",
      command: { name: "sla", minutes: null },
    });
    expect(parseSlashCommand("away off", channels)).toEqual({
      name: "team",
      command: { name: "away", message: null },
    });
  });

  it("keeps the away message's line breaks and refuses one too long", () => {
    expect(parseSlashCommand("away We're closed.\nBack at 9am.", channels)).toEqual({
      name: "team",
      command: { name: "away", message: "We're closed.\nBack at 9am." },
    });
    expect(parseSlashCommand(`away ${"x".repeat(1001)}`, channels)).toMatchObject({
      name: "invalid",
      problem: expect.stringContaining("keep it under 1000"),
    });
  });

  it("answers bad hours and durations with an example", () => {
    expect(parseSlashCommand("hours weekdays 9-5", channels)).toMatchObject({
      name: "invalid",
      problem: expect.stringContaining("`/threadline hours Mon-Fri 09:00-17:00 America/New_York`"),
    });
    expect(parseSlashCommand("sla 0m", channels)).toMatchObject({
      name: "invalid",
      problem: expect.stringContaining("`/threadline sla 15m`"),
    });
  });
});
