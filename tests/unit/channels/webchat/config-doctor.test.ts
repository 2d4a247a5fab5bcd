import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../../src/app.js";
import { parseSiteKey } from "../../../../src/channels/webchat/address.js";
import { checkWebchat } from "../../../../src/channels/webchat/doctor.js";
import { ConfigError } from "../../../../src/errors.js";

const minimal = {
  SLACK_BOT_TOKEN: "xoxb-1",
  SLACK_APP_TOKEN: "xapp-1",
  PUBLIC_URL: "https://threadline.example",
};

function problems(environment: Record<string, string>): string[] {
  try {
    loadConfig({ ...minimal, ...environment });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe("WEBCHAT_ORIGINS", () => {
  it("reads a list of origins; unset, web chat is off", () => {
    expect(loadConfig(minimal).webchat).toBeNull();
    expect(loadConfig({ ...minimal, WEBCHAT_ORIGINS: "" }).webchat).toBeNull();
    expect(
      loadConfig({ ...minimal, WEBCHAT_ORIGINS: " https://www.example.com , http://localhost:8080" }).webchat,
    ).toEqual({
      origins: ["https://www.example.com", "http://localhost:8080"],
      publicUrl: minimal.PUBLIC_URL,
    });
  });

  it("names what is wrong with an entry that is not an origin as browsers send it", () => {
    expect(problems({ WEBCHAT_ORIGINS: "https://www.example.com/" })).toEqual([
      'WEBCHAT_ORIGINS "https://www.example.com/" must be an origin alone, as browsers send it: https://www.example.com',
    ]);
    expect(problems({ WEBCHAT_ORIGINS: "www.example.com" })).toEqual([
      'WEBCHAT_ORIGINS "www.example.com" is not an origin (write it like https://www.example.com)',
    ]);
    expect(problems({ WEBCHAT_ORIGINS: "ftp://example.com" })).toEqual([
      'WEBCHAT_ORIGINS "ftp://example.com" must start with https:// or http://',
    ]);
  });
});

describe("site keys", () => {
  it("slug the site's name, starting with a letter", () => {
    expect(parseSiteKey("Acme Store")).toBe("acme-store");
    expect(parseSiteKey("  shop.example.com ")).toBe("shop-example-com");
    expect(parseSiteKey("+15550001111")).toBeNull();
    expect(parseSiteKey("???")).toBeNull();
    expect(parseSiteKey("x".repeat(61))).toBeNull();
  });
});

describe("the web chat's doctor check", () => {
  it("says nothing when web chat is off", () => {
    expect(checkWebchat(null)).toEqual([]);
  });

  it("passes https sites on an https PUBLIC_URL", () => {
    expect(
      checkWebchat({ origins: ["https://www.example.com"], publicUrl: "https://threadline.example" }),
    ).toEqual([{ name: "Web chat", status: "ok", detail: "allowed on https://www.example.com." }]);
  });

  it("fails an http PUBLIC_URL and warns of http sites other than this machine", () => {
    const results = checkWebchat({
      origins: ["http://shop.example", "http://localhost:8080"],
      publicUrl: "http://threadline.example",
    });
    expect(results.map((result) => result.status)).toEqual(["fail", "warn"]);
    expect(results[0]?.fix).toContain("https://");
    expect(results[1]?.detail).toBe("WEBCHAT_ORIGINS lists sites without https: http://shop.example.");
  });
});
