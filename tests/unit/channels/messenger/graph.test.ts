import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMessengerChannel } from "../../../../src/channels/messenger/index.js";
import { DeliveryError } from "../../../../src/core/errors.js";
import type { AcceptedPart, OutboundMedia, OutboundRequest } from "../../../../src/core/ports/channel.js";
import { GraphSimulator } from "../../../../src/simulators/meta/simulator.js";
import { graphErrors } from "../../../../src/simulators/meta/wire.js";

let graph: GraphSimulator;
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
  graph = await GraphSimulator.start({ accessToken: token });
});
afterAll(() => graph.stop());
beforeEach(() => {
  graph.sends.length = 0;
  graph.profiles.clear();
  graph.profileRequests.length = 0;
  graph.profileFailure = null;
});

/** A reply of `text` and `media`, split as the channel splits it, every part still to send. */
const request = ({
  text = "Hello!",
  media = [],
  ...changes
}: Partial<Omit<OutboundRequest, "parts">> & { text?: string; media?: OutboundMedia[] } = {}) => ({
  inboxAddress: "111111",
  contactAddress: "2222223456",
  parts: channelFor().replyParts(text, media),
  messageId: 1,
  lastInboundAt: new Date(),
  replyWindow: "standard" as const,
  template: null,
  ...changes,
});

/** Sends and returns the parts the channel reported as accepted. */
async function send(changes: Parameters<typeof request>[0] = {}, channel = channelFor()) {
  const accepted: AcceptedPart[] = [];
  await channel.send(request(changes), async (part) => {
    accepted.push(part);
  });
  return accepted;
}

async function sendError(changes: Parameters<typeof request>[0] = {}): Promise<DeliveryError> {
  const error = await send(changes).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("Messenger sender", () => {
  it("sends a reply in the standard window as a RESPONSE from the Page", async () => {
    const accepted = await send();
    expect(graph.sends).toEqual([
      {
        page: "111111",
        body: { recipient: { id: "2222223456" }, messaging_type: "RESPONSE", message: { text: "Hello!" } },
        messageId: "m_fake1",
        at: expect.any(Date),
      },
    ]);
    expect(accepted).toEqual([{ index: 0, providerMessageId: "m_fake1", status: "sent" }]);
  });

  it("tags a reply in the human-agent window with HUMAN_AGENT", async () => {
    await send({ replyWindow: "human_agent" });
    expect(graph.sends[0]?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("splits a text over 2000 characters into messages, in order", async () => {
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(" ");
    const accepted = await send({ text: words });
    const texts = graph.sends.map((s) => s.body.message.text ?? "");
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.every((t) => [...t].length <= 2000)).toBe(true);
    expect(texts.join(" ")).toBe(words);
    expect(accepted.map((part) => part.index)).toEqual(texts.map((_, index) => index));
  });

  it("sends files after the text, images as images", async () => {
    const file = (contentType: string, token: string) => ({
      bytes: new Uint8Array(1),
      contentType,
      filename: token,
      publicUrl: `https://threadline.example/media/${token}`,
    });
    await send({ media: [file("image/png", "a"), file("application/pdf", "b")] });
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
    const bad = await send({}, channelFor("wrong-token")).catch((e: unknown) => e);
    expect(bad).toMatchObject({ transient: false, code: "MESSENGER_190" });
    expect(graph.sends).toHaveLength(0);
  });

  const channelAt = (graphApiUrl: string) =>
    createMessengerChannel({
      pageAccessToken: token,
      appSecret: "s",
      verifyToken: "v",
      graphApiUrl,
      mediaHosts: ["*.fbcdn.net"],
    }).channel;

  it("treats an unreachable Graph API as transient, and a refused connection as surely not sent", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(send({}, channelAt(`http://127.0.0.1:${port}/v24.0`))).rejects.toMatchObject({
      transient: true,
      outcomeUnknown: false,
      code: "MESSENGER_UNAVAILABLE",
    });
  });

  it("treats a connection cut after the request was sent as an unknown outcome", async () => {
    const cutting = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => cutting.listen(0, "127.0.0.1", resolve));
    const { port } = cutting.address() as AddressInfo;
    try {
      await expect(send({}, channelAt(`http://127.0.0.1:${port}/v24.0`))).rejects.toMatchObject({
        transient: true,
        outcomeUnknown: true,
      });
    } finally {
      await new Promise((resolve) => cutting.close(resolve));
    }
  });

  it("hands each part over the moment Graph accepts it, stops at the first failure, and sends what it is given", async () => {
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(" ");
    const parts = channelFor().replyParts(words, []);
    expect(parts.length).toBeGreaterThan(1);
    const accepted: AcceptedPart[] = [];
    const first = channelFor().send({ ...request(), parts }, async (part) => {
      accepted.push(part);
      graph.failNext(graphErrors.temporary);
    });
    await expect(first).rejects.toMatchObject({ transient: true, outcomeUnknown: false });
    expect(accepted.map((part) => part.index)).toEqual([0]);
    const rest = parts.filter((part) => part.index > 0);
    await channelFor().send({ ...request(), parts: rest }, async (part) => {
      accepted.push(part);
    });
    expect(accepted.map((part) => part.index)).toEqual(parts.map((part) => part.index));
    expect(graph.sends.map((sent) => sent.body.message.text)).toEqual(parts.map((part) => part.text));
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
