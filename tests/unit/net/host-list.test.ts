import { describe, expect, it } from "vitest";
import { hostEntryProblem, hostList, parseHostList } from "../../../src/net/host-list.js";

const allows = (entries: string[], link: string) => hostList(entries).refusal(new URL(link)) === null;

describe("host allow-lists", () => {
  it.each([
    ["*.fbcdn.net", "https://scontent.xx.fbcdn.net/v/t1/p.jpg", true],
    ["*.fbcdn.net", "https://a.b.c.fbcdn.net/x", true],
    ["*.fbcdn.net", "https://SCONTENT.FBCDN.NET/x", true],
    ["*.fbcdn.net", "https://fbcdn.net/x", false],
    ["*.fbcdn.net", "https://evilfbcdn.net/x", false],
    ["*.fbcdn.net", "https://fbcdn.net.evil.example/x", false],
    ["*.fbcdn.net", "https://scontent.fbcdn.net:8443/x", false],
    ["*.fbcdn.net", "https://scontent.fbcdn.net./x", false],
    ["*.fbcdn.net", "http://scontent.fbcdn.net/x", false],
    ["lookaside.fbsbx.com", "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", true],
    ["lookaside.fbsbx.com", "https://x.lookaside.fbsbx.com/", false],
    ["lookaside.fbsbx.com", "https://lookaside.fbsbx.com:444/", false],
    ["127.0.0.1:4000", "http://127.0.0.1:4000/cdn/a.png", true],
    ["127.0.0.1:4000", "http://127.0.0.1:4001/cdn/a.png", false],
    ["localhost:4000", "http://localhost:4000/", true],
    ["[::1]:4000", "http://[::1]:4000/", true],
    ["files.slack.com", "https://user:pass@files.slack.com/x", false],
    ["files.slack.com", "ftp://files.slack.com/x", false],
  ])("%s, %s → %s", (entry, link, expected) => {
    expect(allows([entry], link)).toBe(expected);
  });

  it("says why, naming the host in characters Slack shows as they are", () => {
    const list = hostList(["*.fbcdn.net"]);
    expect(list.refusal(new URL("https://a&b.example/x"))).toBe("a?b.example is not an allowed host");
    expect(list.refusal(new URL("http://p.fbcdn.net/x"))).toBe("the link is not https");
    expect(
      hostList(["x.example"], (url) => `${url.host} is not ours`).refusal(new URL("https://y.example")),
    ).toBe("y.example is not ours");
  });

  it("parses a comma-separated list and names malformed entries", () => {
    expect(parseHostList(" *.FBCDN.net, ,lookaside.fbsbx.com ")).toEqual([
      "*.fbcdn.net",
      "lookaside.fbsbx.com",
    ]);
    expect(hostEntryProblem("*.fbcdn.net")).toBeNull();
    expect(hostEntryProblem("127.0.0.1:4000")).toBeNull();
    expect(hostEntryProblem("*")).toMatch(/must look like/);
    expect(hostEntryProblem("*.com")).toMatch(/must look like/);
    expect(hostEntryProblem("https://cdn.example")).toMatch(/not a host name/);
    expect(hostEntryProblem("cdn.example/path")).toMatch(/not a host name/);
  });
});
