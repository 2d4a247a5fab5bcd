import { describe, expect, it } from "vitest";
import { classifyGraphError } from "../../../../src/channels/meta/errors.js";
import { type GraphErrorBody, GraphRequestError } from "../../../../src/channels/meta/graph-client.js";

const graph = (status: number, error: GraphErrorBody) =>
  classifyGraphError(new GraphRequestError(status, error), "Messenger");

describe("classifyGraphError", () => {
  const retried: [string, unknown][] = [
    ["no answer at all", new GraphRequestError(null, null, { cause: new TypeError("fetch failed") })],
    ["HTTP 500 without a Graph body", new GraphRequestError(500, null)],
    ["HTTP 429", new GraphRequestError(429, null)],
    ["is_transient", new GraphRequestError(400, { code: 9999, is_transient: true })],
    ...[1, 2, 4, 17, 341, 613, 1200].map((code): [string, unknown] => [
      `code ${code}`,
      new GraphRequestError(400, { code, message: "temporary" }),
    ]),
    ["an unexpected exception", new Error("boom")],
  ];
  it.each(retried)("retries %s", (_label, error) => {
    const classified = classifyGraphError(error, "Messenger");
    expect(classified.transient).toBe(true);
    expect(classified.cause).toBe(error);
  });

  it.each([
    [10, 2018278, "MESSENGER_10_2018278", "outside the messaging window"],
    [551, undefined, "MESSENGER_551", "isn't available right now"],
    [190, undefined, "MESSENGER_190", "renew MESSENGER_PAGE_ACCESS_TOKEN"],
    [100, 2018001, "MESSENGER_100_2018001", "no matching Messenger user"],
    [200, 1545041, "MESSENGER_200_1545041", "isn't receiving messages from the Page"],
    [10, 2018108, "MESSENGER_10_2018108", "cannot receive messages"],
  ])("shows code %i/%s to the agent in plain words", (code, subcode, expectedCode, words) => {
    const classified = graph(400, {
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      message: "graph text",
    });
    expect(classified.transient).toBe(false);
    expect(classified.code).toBe(expectedCode);
    expect(classified.reason).toContain(words);
    expect(classified.reason).toContain(`Messenger error ${code}${subcode ? `/${subcode}` : ""}`);
  });

  it("passes Graph's own message on for codes it has no words for", () => {
    const classified = graph(400, { code: 100, error_subcode: 12, message: "(#100) Something odd" });
    expect(classified).toMatchObject({ transient: false, code: "MESSENGER_100_12" });
    expect(classified.reason).toBe(
      "Messenger refused the message: (#100) Something odd (Messenger error 100/12)",
    );
  });
});

describe("whether a failed send may have gone out (outcomeUnknown)", () => {
  const refused = Object.assign(new TypeError("fetch failed"), {
    cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  });
  it.each([
    [
      "a timeout",
      new GraphRequestError(null, null, { cause: new DOMException("aborted", "TimeoutError") }),
      true,
    ],
    ["a reset connection", new GraphRequestError(null, null, { cause: new TypeError("fetch failed") }), true],
    ["HTTP 500", new GraphRequestError(500, { code: 2, message: "unexpected" }), true],
    ["HTTP 503 without a body", new GraphRequestError(503, null), true],
    ["an unexpected exception", new Error("boom"), true],
    ["a refused connection", new GraphRequestError(null, null, { cause: refused }), false],
    ["HTTP 429", new GraphRequestError(429, null), false],
    ["a rate-limit code", new GraphRequestError(400, { code: 613, message: "limit" }), false],
    ["a temporary refusal (1200)", new GraphRequestError(400, { code: 1200, message: "try later" }), false],
    ["a permanent refusal", new GraphRequestError(400, { code: 551, message: "unavailable" }), false],
  ])("%s → %s", (_label, error, unknown) => {
    expect(classifyGraphError(error, "Messenger").outcomeUnknown).toBe(unknown);
  });
});
