import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../../src/app.js";
import { channelRegistry, createChannelModules } from "../../../../src/channels/registry.js";
import { helpText } from "../../../../src/core/command-help.js";
import { parseSlashCommand } from "../../../../src/core/command-parser.js";

const channels = channelRegistry(
  createChannelModules(
    loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", PUBLIC_URL: "https://h.example" }),
  ),
);

describe("/threadline with Messenger Pages", () => {
  it.each([
    ["connect messenger 123456789012345", { name: "connect", kind: "messenger", address: "123456789012345" }],
    [
      "connect Messenger  104857600000001 ",
      { name: "connect", kind: "messenger", address: "104857600000001" },
    ],
    // Page ids and Instagram account ids are both Graph ids: each channel holding one is disconnected.
    [
      "disconnect 123456789012345",
      {
        name: "disconnect",
        addresses: [
          { kind: "messenger", address: "123456789012345" },
          { kind: "instagram", address: "123456789012345" },
        ],
      },
    ],
    [
      "disconnect messenger 123456789012345",
      { name: "disconnect", addresses: [{ kind: "messenger", address: "123456789012345" }] },
    ],
  ])("%j", (text, expected) => {
    expect(parseSlashCommand(text, channels)).toEqual(expected);
  });

  it.each([
    ["connect messenger my-page", "is not a valid Messenger address"],
    ["connect messenger +15550001111", "is not a valid Messenger address"],
    ["connect messenger", "Give the Messenger address to connect"],
    ["connect fax 123", "Say which channel to connect: sms, messenger, whatsapp"],
  ])("%j is refused with a reason", (text, reason) => {
    const command = parseSlashCommand(text, channels);
    expect(command.name === "invalid" && command.problem).toContain(reason);
  });

  it("is in the help", () => {
    expect(helpText(channels)).toContain("`/threadline connect messenger 123456789012345");
  });
});
