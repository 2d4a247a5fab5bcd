import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channelDefinitions } from "../../src/channels/registry.js";
import { transcriptLinkTtlMs } from "../../src/http/transcript/signing.js";
import { Harness, waitFor } from "./harness.js";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** Every Markdown file a reader may open: the README, docs/ (decisions included) and the benchmarks'. */
function docs(): string[] {
  const inDocs = fs
    .readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.join("docs", file));
  return ["README.md", "bench/README.md", ...inDocs];
}

describe("the docs agree with each other and with the code", () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await Harness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("quote only log lines the app writes", async () => {
    const install = read("docs/INSTALL.md");
    const quoted = [
      ...install.matchAll(/log line `([^`]+)`/g),
      ...install.matchAll(/`([^`]+)` (?:appears )?in the log/g),
    ].map((match) => match[1] ?? "");
    expect(quoted).toContain("Twilio webhook: signature rejected");
    // What makes them appear: a start, and a webhook signed with the wrong key.
    await fetch(`${harness.baseUrl}/webhooks/twilio`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "forged" },
      body: "From=%2B15557654321&To=%2B15550001111&Body=hi&MessageSid=SM00000000000000000000000000000001",
    });
    for (const line of new Set(quoted)) {
      await waitFor(() => harness.logs.find(line), { timeoutMs: 5_000 }).catch(() => {
        throw new Error(`docs/INSTALL.md quotes the log line "${line}", which the app never wrote`);
      });
    }
  });
});

describe("the docs", () => {
  it("give the transcript links' real lifetime", () => {
    const minutes = transcriptLinkTtlMs / 60_000;
    const said = [...read(".env.example").matchAll(/valid for (\d+) (minutes|days)/g)];
    expect(said.map((match) => `${match[1]} ${match[2]}`)).toEqual([`${minutes} minutes`]);
    expect(read("README.md")).toContain(`valid for ${minutes} minutes`);
  });

  it("give the README's Twilio webhook with the retry overrides and fallback INSTALL.md explains", () => {
    const webhook = /\/webhooks\/twilio#rc=3&rp=all/;
    expect(read("docs/INSTALL.md")).toMatch(webhook);
    expect(read("README.md")).toMatch(webhook);
    expect(read("README.md")).toContain("**Primary handler fails**");
  });

  it("describe the app with every channel it has", () => {
    const descriptions = [
      JSON.parse(read("package.json")).description as string,
      JSON.parse(read("manifest.json")).display_information.description as string,
    ];
    const labels = Object.values(channelDefinitions).map(
      (definition) =>
        definition.create(null, { publicUrl: "https://threadline.invalid", overrides: {} }).channel.label,
    );
    for (const description of descriptions) {
      for (const label of labels) expect(description, description).toContain(label);
    }
  });

  it("keep the README short, and refer to no issue numbers", () => {
    expect(read("README.md").split("\n").length).toBeLessThan(200);
    const references = docs().flatMap((file) =>
      read(file)
        .split("\n")
        .flatMap((line, index) => (/\bissues? #?\d+/i.test(line) ? [`${file}:${index + 1}: ${line}`] : [])),
    );
    expect(references).toEqual([]);
  });
});
