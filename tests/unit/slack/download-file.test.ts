import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelDirectory } from "../../../src/slack/directory.js";
import { SlackGateway } from "../../../src/slack/gateway.js";

/* files.slack.com can't be reached from a test: the platform's fetch answers like it and records requests. */

let requests: { url: string; authorization: string | null }[];

beforeEach(() => {
  requests = [];
  vi.stubGlobal("fetch", async (input: URL | string, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    return url.includes("/moved/")
      ? new Response(null, { status: 302, headers: { location: "https://files.example.net/copy.png" } })
      : new Response(Buffer.from("png"), { headers: { "content-type": "image/png" } });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const gateway = new SlackGateway(new WebClient("xoxb-test"), {} as ChannelDirectory);

describe("SlackGateway.downloadFile", () => {
  it("sends the bot token to files.slack.com over https", async () => {
    const file = await gateway.downloadFile("https://files.slack.com/files-pri/T1-F1/download/a%20b.png");
    expect(file).toMatchObject({ contentType: "image/png", filename: "a b.png" });
    expect(requests).toEqual([
      {
        url: "https://files.slack.com/files-pri/T1-F1/download/a%20b.png",
        authorization: "Bearer xoxb-test",
      },
    ]);
  });

  it.each([
    ["over http", "http://files.slack.com/files-pri/T1-F1/a.png", "the link is not https"],
    ["to another host", "https://files.example.net/a.png", "files.example.net is not Slack's file host"],
  ])("never sends it %s", async (_label, url, reason) => {
    await expect(gateway.downloadFile(url)).rejects.toMatchObject({ code: "MEDIA_URL_REFUSED", reason });
    expect(requests).toEqual([]);
  });

  it("does not follow files.slack.com to another host", async () => {
    await expect(gateway.downloadFile("https://files.slack.com/moved/a.png")).rejects.toMatchObject({
      code: "MEDIA_URL_REFUSED",
    });
    expect(requests.map((r) => r.url)).toEqual(["https://files.slack.com/moved/a.png"]);
  });
});
