import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMediaFetcher } from "../../../../src/channels/twilio/media.js";

/*
 * Twilio's real hosts can't be reached from a test, so the platform's fetch is replaced by one that
 * answers like them and records what each request carried.
 */

const accountSid = `AC${"0".repeat(32)}`;
const basic = `Basic ${Buffer.from(`${accountSid}:token`).toString("base64")}`;
const media = `/2010-04-01/Accounts/${accountSid}/Messages/MM${"1".repeat(32)}/Media/ME${"2".repeat(32)}`;
const png = Buffer.from("89504e470d0a1a0a", "hex");

let requests: { url: string; authorization: string | null }[];
let answers: Record<string, () => Response>;

beforeEach(() => {
  requests = [];
  answers = {};
  vi.stubGlobal("fetch", async (input: URL | string, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    return answers[url]?.() ?? new Response("not found", { status: 404 });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Twilio's real API host, because the allow-list is about it; `fetch` is replaced, nothing leaves the process. */
const twilioApi = "https://api.twilio.com"; // default TWILIO_API_URL
const fetchMedia = createMediaFetcher({
  accountSid,
  authToken: "token",
  apiUrl: twilioApi,
  lookupCallerNames: false,
  countries: null,
});
const redirectTo = (location: string) => () => new Response(null, { status: 307, headers: { location } });
const image = () => new Response(png, { headers: { "content-type": "image/png" } });

describe("Twilio media downloads", () => {
  it("sends the credentials to api.twilio.com and not to the signed CDN link it redirects to", async () => {
    const cdn = `https://mms.twiliocdn.com/${accountSid}/abc?Expires=1&Signature=x`;
    answers = { [`${twilioApi}${media}`]: redirectTo(cdn), [cdn]: image };
    const file = await fetchMedia({ url: `${twilioApi}${media}`, contentType: "image/png" });
    expect(file).toMatchObject({ contentType: "image/png", filename: `ME${"2".repeat(32)}.png` });
    expect(requests).toEqual([
      { url: `${twilioApi}${media}`, authorization: basic },
      { url: cdn, authorization: null },
    ]);
  });

  it("follows the redirect to Twilio's media store on S3 (accounts without media auth), without credentials", async () => {
    const s3 = `https://s3-external-1.amazonaws.com/media.twiliocdn.com/${accountSid}/abc`;
    answers = { [`${twilioApi}${media}`]: redirectTo(s3), [s3]: image };
    await fetchMedia({ url: `${twilioApi}${media}` });
    expect(requests.map((r) => r.authorization)).toEqual([basic, null]);
  });

  it("refuses another S3 bucket, and any other host a redirect names", async () => {
    for (const elsewhere of [
      "https://s3-external-1.amazonaws.com/someone-elses-bucket/x",
      "https://evil.example/x",
      "http://mms.twiliocdn.com/x",
    ]) {
      answers = { [`${twilioApi}${media}`]: redirectTo(elsewhere) };
      await expect(fetchMedia({ url: `${twilioApi}${media}` })).rejects.toMatchObject({
        code: "MEDIA_URL_REFUSED",
      });
    }
    expect(requests.every((r) => r.url.startsWith(`${twilioApi}/`))).toBe(true);
  });

  it("never sends the credentials over http, not even to api.twilio.com", async () => {
    answers = { [`${twilioApi.replace("https:", "http:")}${media}`]: image };
    await expect(
      fetchMedia({ url: `${twilioApi.replace("https:", "http:")}${media}` }),
    ).rejects.toMatchObject({
      code: "MEDIA_URL_REFUSED",
      reason: "the link is not https",
    });
    expect(requests).toEqual([]);
  });

  it("sends the credentials to a regional API host and refuses a look-alike", async () => {
    const regional = `https://api.dublin.ie1.twilio.com${media}`;
    answers = { [regional]: image };
    await fetchMedia({ url: regional });
    await expect(fetchMedia({ url: `${twilioApi}.evil.example${media}` })).rejects.toMatchObject({
      reason: "api.twilio.com.evil.example is not a Twilio address",
    });
    expect(requests).toEqual([{ url: regional, authorization: basic }]);
  });
});
