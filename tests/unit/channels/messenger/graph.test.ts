import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMessengerChannel } from "../../../../src/channels/messenger/index.js";
import type { OutboundRequest } from "../../../../src/core/ports.js";
import { DeliveryError } from "../../../../src/errors.js";
import { FakeGraph, graphErrors } from "../../../fakes/fake-graph.js";

let graph: FakeGraph;
const token = "page-token";
const channelFor = (pageAccessToken = token) =>
  createMessengerChannel({
    pageAccessToken,
    appSecret: "s",
    verifyToken: "v",
    graphApiUrl: graph.url,
    mediaHosts: ["*.fbcdn.net"],
  }).channel;

beforeAll(async () => {
  graph = await FakeGraph.start({ accessToken: token });
});
afterAll(() => graph.stop());
beforeEach(() => {
  graph.sends.length = 0;
  graph.profiles.clear();
  graph.profileRequests.length = 0;
  graph.profileFailure = null;
});

const request = (changes: Partial<OutboundRequest> = {}): OutboundRequest => ({
  inboxAddress: "111111",
  contactAddress: "2222223456",
  text: "Hello!",
  media: [],
  messageId: 1,
  lastInboundAt: new Date(),
  replyWindow: "standard",
  ...changes,
});

async function sendError(changes: Partial<OutboundRequest> = {}): Promise<DeliveryError> {
  const error = await channelFor()
    .send(request(changes))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("Messenger sender", () => {
  it("sends a reply in the standard window as a RESPONSE from the Page", async () => {
    const result = await channelFor().send(request());
    expect(graph.sends).toEqual([
      {
        page: "111111",
        body: { recipient: { id: "2222223456" }, messaging_type: "RESPONSE", message: { text: "Hello!" } },
        messageId: "m_fake1",
      },
    ]);
    expect(result).toEqual({ providerMessageIds: ["m_fake1"], status: "sent" });
  });

  it("tags a reply in the human-agent window with HUMAN_AGENT", async () => {
    await channelFor().send(request({ replyWindow: "human_agent" }));
    expect(graph.sends[0]?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("splits a text over 2000 characters into messages, in order", async () => {
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(" ");
    const result = await channelFor().send(request({ text: words }));
    const texts = graph.sends.map((s) => s.body.message.text ?? "");
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.every((t) => [...t].length <= 2000)).toBe(true);
    expect(texts.join(" ")).toBe(words);
    expect(result.providerMessageIds).toHaveLength(texts.length);
  });

  it("sends files after the text, images as images", async () => {
    const file = (contentType: string, token: string) => ({
      bytes: new Uint8Array(1),
      contentType,
      filename: token,
      publicUrl: `https://threadline.example/media/${token}`,
    });
    await channelFor().send(request({ media: [file("image/png", "a"), file("application/pdf", "b")] }));
    expect(graph.sends.map((s) => s.body.message)).toEqual([
      { text: "Hello!" },
      {
        attachment: {
          type: "image",
          payload: { url: "https://threadline.example/media/a", is_reusable: false },
        },
      },
      {
        attachment: {
          type: "file",
          payload: { url: "https://threadline.example/media/b", is_reusable: false },
        },
      },
    ]);
  });

  it("turns Graph's refusals into permanent delivery errors in plain words", async () => {
    graph.failNext(graphErrors.outsideWindow);
    expect(await sendError()).toMatchObject({ transient: false, code: "MESSENGER_10_2018278" });
    graph.failNext(graphErrors.unavailable);
    expect((await sendError()).reason).toContain("isn't available right now");
  });

  it("retries temporary failures and a wrong token is permanent", async () => {
    graph.failNext(graphErrors.temporary);
    expect(await sendError()).toMatchObject({ transient: true, code: "MESSENGER_1200" });
    graph.failNext(graphErrors.unexpected);
    expect(await sendError()).toMatchObject({ transient: true });
    const bad = await channelFor("wrong-token")
      .send(request())
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ transient: false, code: "MESSENGER_190" });
    expect(graph.sends).toHaveLength(0);
  });

  it("treats an unreachable Graph API as transient", async () => {
    const channel = createMessengerChannel({
      pageAccessToken: token,
      appSecret: "s",
      verifyToken: "v",
      graphApiUrl: "http://127.0.0.1:1/v24.0",
      mediaHosts: ["*.fbcdn.net"],
    }).channel;
    await expect(channel.send(request())).rejects.toMatchObject({
      transient: true,
      code: "MESSENGER_UNAVAILABLE",
    });
  });
});

describe("Messenger profile lookup", () => {
  it("gives the name and picture, asking only for fields that need no extra permission", async () => {
    graph.profiles.set("2222223456", {
      first_name: "Peter",
      last_name: "Chang",
      profile_pic: "https://pics.example/p",
    });
    expect(await channelFor().lookupContact?.("2222223456")).toEqual({
      displayName: "Peter Chang",
      avatarUrl: "https://pics.example/p",
    });
    expect(graph.profileRequests).toEqual(["2222223456"]);
  });

  it("has no profile for a person Graph does not know or will not show", async () => {
    expect(await channelFor().lookupContact?.("999")).toBeNull();
    graph.profileFailure = graphErrors.profilePermission;
    expect(await channelFor().lookupContact?.("999")).toBeNull();
  });

  it("throws a retryable error when the lookup fails for now", async () => {
    graph.profileFailure = graphErrors.unexpected;
    await expect(channelFor().lookupContact?.("2222223456")).rejects.toMatchObject({ transient: true });
  });

  it("calls contacts without a name by the end of their PSID", () => {
    expect(channelFor().fallbackContactName?.("2222223456")).toBe("Messenger user …3456");
  });
});
