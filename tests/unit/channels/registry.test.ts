import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/app.js";
import { channelDefinitions, channelKinds } from "../../../src/channels/registry.js";

const srcDir = path.resolve(import.meta.dirname, "../../../src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/**
 * Where a channel may be named outside its own folder: the registry's line, the simulators of the providers
 * (they play Twilio and Slack for tests and the demo, which texts by SMS), the folder of what the Twilio channels
 * share (SMS and WhatsApp: the receiver routes by address prefix; errors, media and inbound parameters), the
 * folder of what the Meta channels share (the receiver routes by the webhook's object; Graph client, errors,
 * profile, window; their variables are called MESSENGER_*) and the generated Prisma client.
 */
const allowed = [
  /^channels\/(sms|messenger|whatsapp|instagram)\//,
  /^channels\/registry\.ts$/,
  /^channels\/twilio\//,
  /^channels\/meta\//,
  /^simulators\//,
  /^demo\//,
  /^db\/generated(-pg)?\//,
];

describe("the channel registry", () => {
  it("is the only place outside the channel folders that names a channel", () => {
    const offenders = sourceFiles(srcDir)
      .map((file) => path.relative(srcDir, file).split(path.sep).join("/"))
      .filter((file) => !allowed.some((pattern) => pattern.test(file)))
      .flatMap((file) =>
        fs
          .readFileSync(path.join(srcDir, file), "utf8")
          .split("\n")
          .map((line, index) => ({ file, line: index + 1, text: line }))
          .filter(({ text }) => /sms|messenger|whatsapp|instagram/i.test(text)),
      );
    expect(offenders).toEqual([]);
  });

  it("keeps channels peers: no channel folder imports another's (what Twilio's channels share is in twilio/)", () => {
    const imports = channelKinds.flatMap((kind) =>
      sourceFiles(path.join(srcDir, "channels", kind)).flatMap((file) =>
        [...fs.readFileSync(file, "utf8").matchAll(/from "\.\.\/([a-z]+)\//g)]
          .map((match) => match[1] as string)
          .filter((folder) => folder !== kind && (channelKinds as readonly string[]).includes(folder))
          .map((folder) => `${kind} → ${folder}`),
      ),
    );
    expect(imports).toEqual([]);
  });

  it("gives config one variable set per provider, each channel its own config, disabled without credentials", () => {
    const minimal = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", PUBLIC_URL: "https://h.example" };
    const off = loadConfig(minimal);
    for (const kind of channelKinds) expect(off[kind]).toBeNull();
    const twilio = loadConfig({
      ...minimal,
      TWILIO_ACCOUNT_SID: `AC${"1".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "t",
    });
    expect(twilio.sms).toEqual(twilio.whatsapp);
    expect(twilio.messenger).toBeNull();
    const meta = loadConfig({
      ...minimal,
      MESSENGER_PAGE_ACCESS_TOKEN: "EAAG",
      MESSENGER_APP_SECRET: "s",
      MESSENGER_VERIFY_TOKEN: "v",
    });
    expect(meta.instagram).toEqual(meta.messenger);
    expect(meta.sms).toBeNull();
  });

  it("names each channel's provider for metrics and its secrets for the logger", () => {
    expect(Object.fromEntries(channelKinds.map((kind) => [kind, channelDefinitions[kind].service]))).toEqual({
      sms: "twilio",
      messenger: "graph",
      whatsapp: "twilio",
      instagram: "graph",
      webchat: "webchat",
    });
    for (const kind of channelKinds) expect(channelDefinitions[kind].redactPaths.length).toBeGreaterThan(0);
  });
});
