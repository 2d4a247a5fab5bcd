import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DownloadPolicy, download } from "../../../src/net/download.js";
import { hostList } from "../../../src/net/host-list.js";
import { type LocalServer, listen, type Reply } from "../../../src/simulators/http.js";

/*
 * The guarded download against two local servers: `a` is allowed and gets the credentials, `b` is allowed
 * without them, anything else is refused.
 */

let a: LocalServer;
let b: LocalServer;
const seen: { server: "a" | "b"; path: string; authorization: string | undefined }[] = [];
let routes: Record<string, () => Reply>;

const serve = (name: "a" | "b") =>
  listen(async (req, url) => {
    seen.push({ server: name, path: url.pathname, authorization: req.headers.authorization });
    return routes[`${name}${url.pathname}`]?.() ?? { status: 404, body: "not found" };
  });

beforeEach(async () => {
  seen.length = 0;
  [a, b] = await Promise.all([serve("a"), serve("b")]);
});

afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
});

const policy = (maxBytes = 1024): DownloadPolicy => {
  const credentialed = hostList([new URL(a.origin).host]);
  const allowed = hostList([new URL(a.origin).host, new URL(b.origin).host]);
  return {
    source: "the test server",
    refusal: (url) => allowed.refusal(url),
    headers: (url): Record<string, string> =>
      credentialed.refusal(url) === null ? { authorization: "Bearer secret" } : {},
    maxBytes,
  };
};

const redirect = (location: string): Reply => ({ status: 302, body: "", headers: { location } });
const bytes = (size: number): Reply => ({
  status: 200,
  body: Buffer.alloc(size, 1),
  headers: { "content-type": "image/png; x=1" },
});

describe("download", () => {
  it("sends the credentials only to the hosts that get them, hop by hop", async () => {
    routes = { "a/start": () => redirect(`${b.origin}/signed`), "b/signed": () => bytes(10) };
    const file = await download(`${a.origin}/start`, policy());
    expect(file).toMatchObject({ contentType: "image/png", url: new URL(`${b.origin}/signed`) });
    expect(file.bytes.byteLength).toBe(10);
    expect(seen).toEqual([
      { server: "a", path: "/start", authorization: "Bearer secret" },
      { server: "b", path: "/signed", authorization: undefined },
    ]);
  });

  it("refuses a redirect to a host that is not allowed, without requesting it", async () => {
    routes = { "a/start": () => redirect("http://169.254.169.254/latest/meta-data/") };
    await expect(download(`${a.origin}/start`, policy())).rejects.toMatchObject({
      code: "MEDIA_URL_REFUSED",
      transient: false,
      reason: "it redirected elsewhere: 169.254.169.254 is not an allowed host",
    });
    expect(seen).toHaveLength(1);
  });

  it("follows at most three redirects", async () => {
    routes = {
      "a/1": () => redirect("/2"),
      "a/2": () => redirect("/3"),
      "a/3": () => redirect("/4"),
      "a/4": () => redirect("/5"),
    };
    await expect(download(`${a.origin}/1`, policy())).rejects.toMatchObject({
      code: "MEDIA_URL_REFUSED",
      reason: "the test server redirected more than 3 times",
    });
    expect(seen.map((hit) => hit.path)).toEqual(["/1", "/2", "/3", "/4"]);
  });

  it("refuses a file whose declared size is over the cap, and one that turns out to be", async () => {
    routes = { "a/declared": () => bytes(2048) };
    await expect(download(`${a.origin}/declared`, policy(1024))).rejects.toMatchObject({
      code: "FILE_TOO_LARGE",
    });
    routes = {
      "a/chunked": () => ({ status: 200, body: "", stream: (res) => res.end(Buffer.alloc(2048)) }),
    };
    await expect(download(`${a.origin}/chunked`, policy(1024))).rejects.toMatchObject({
      code: "FILE_TOO_LARGE",
    });
  });

  it("retries server errors and 429, not 4xx; an unreachable server is transient", async () => {
    routes = { "a/gone": () => ({ status: 404, body: "" }), "a/busy": () => ({ status: 503, body: "" }) };
    await expect(download(`${a.origin}/gone`, policy())).rejects.toMatchObject({
      code: "MEDIA_DOWNLOAD_FAILED",
      transient: false,
      reason: "the test server answered 404 for the file",
    });
    await expect(download(`${a.origin}/busy`, policy())).rejects.toMatchObject({ transient: true });
    const closed = a.origin;
    await a.close();
    a = await serve("a");
    await expect(download(`${closed}/x`, { ...policy(), refusal: () => null })).rejects.toMatchObject({
      code: "MEDIA_UNREACHABLE",
      transient: true,
    });
  });

  it("refuses what is not a URL", async () => {
    await expect(download("not a url", policy())).rejects.toMatchObject({ code: "MEDIA_URL_REFUSED" });
  });
});
