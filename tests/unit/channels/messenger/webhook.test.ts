import { describe, expect, it } from "vitest";
import { messengerWebhook } from "../../../../src/channels/messenger/webhook.js";
import { parseNotification } from "../../../../src/channels/meta/events.js";
import { verifyHubSignature } from "../../../../src/channels/meta/signature.js";
import { events, notification } from "../../../../src/simulators/meta/payloads.js";
import { hubSignature, metaJson } from "../../../../src/simulators/meta/wire.js";

const secret = "app-secret";

/** What the shared Meta webhook reads from a body when Messenger is the channel listening. */
function parseWebhookBody(body: unknown) {
  const parsed = parseNotification(body, [messengerWebhook]);
  return "problem" in parsed ? parsed : { events: parsed.events };
}
const page = "111111";
const psid = "2222223456";

describe("verifyHubSignature", () => {
  const body = Buffer.from(
    metaJson(notification([{ pageId: page, events: [events.text(page, psid, "äöå 😀 a/b")] }])),
  );

  it("accepts the HMAC-SHA256 of the exact bytes Meta sent", () => {
    expect(body.toString()).toContain("\\u00e4\\u00f6\\u00e5 \\ud83d\\ude00 a\\/b");
    expect(verifyHubSignature(secret, body, hubSignature(secret, body))).toBe(true);
  });

  it("refuses a signature over the re-serialized body, as an app that re-stringifies would compute it", () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(verifyHubSignature(secret, body, hubSignature(secret, reserialized))).toBe(false);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["another secret's", hubSignature("other", body)],
    ["the legacy sha1 form", "sha1=0123456789abcdef0123456789abcdef01234567"],
    ["without its prefix", hubSignature(secret, body).slice("sha256=".length)],
    ["truncated", hubSignature(secret, body).slice(0, -2)],
    ["not hex", `sha256=${"z".repeat(64)}`],
    ["a list", [hubSignature(secret, body)]],
  ])("refuses a %s signature", (_label, header) => {
    expect(verifyHubSignature(secret, body, header)).toBe(false);
  });
});

const parse = (...batches: { pageId: string; events: Record<string, unknown>[] }[]) => {
  const result = parseWebhookBody(JSON.parse(JSON.stringify(notification(batches))));
  if ("problem" in result) throw new Error(result.problem);
  return result.events;
};

describe("parseWebhookBody", () => {
  it("turns a text message into an inbound message dated by the event's timestamp", () => {
    const [event] = parse({
      pageId: page,
      events: [events.text(page, psid, "hello, world!", { mid: "m_1", timestamp: 1457764197627 })],
    });
    expect(event).toEqual({
      type: "message",
      inbound: {
        kind: "messenger",
        inboxAddress: page,
        contactAddress: psid,
        providerMessageId: "m_1",
        text: "hello, world!",
        attachments: [],
        receivedAt: new Date(1457764197627),
      },
    });
  });

  it("keeps a batch's order across entries and events", () => {
    const parsed = parse(
      { pageId: page, events: [events.text(page, psid, "one"), events.text(page, psid, "two")] },
      { pageId: "333333", events: [events.text("333333", psid, "three")] },
    );
    expect(parsed.map((e) => (e.type === "message" ? e.inbound.text : e.type))).toEqual([
      "one",
      "two",
      "three",
    ]);
  });

  it("makes images attachments with an image type, other files named links, and says what it cannot show", () => {
    const [event] = parse({
      pageId: page,
      events: [
        events.attachments(page, psid, [
          { type: "image", url: "https://cdn.example/p/photo.jpg?x=1" },
          { type: "file", url: "https://cdn.example/f/Invoice%202026.pdf" },
          { type: "audio", url: "https://cdn.example/a/clip" },
          { type: "file", url: "https://cdn.example/f/bad%E0%A4%A.txt" },
          { type: "fallback" },
        ]),
      ],
    });
    expect(event?.type === "message" && event.inbound).toMatchObject({
      text: "(sent something Messenger does not pass on)",
      attachments: [
        { url: "https://cdn.example/p/photo.jpg?x=1", contentType: "image/*", name: "Image" },
        { url: "https://cdn.example/f/Invoice%202026.pdf", name: "Invoice 2026.pdf" },
        { url: "https://cdn.example/a/clip", contentType: "audio/*", name: "Audio" },
        { url: "https://cdn.example/f/bad%E0%A4%A.txt", name: "bad%E0%A4%A.txt" },
      ],
    });
  });

  it("turns shares, templates and reels into links in the text, and never into files to download", () => {
    const [event] = parse({
      pageId: page,
      events: [
        {
          sender: { id: psid },
          recipient: { id: page },
          message: {
            mid: "m_links",
            text: "look",
            attachments: [
              { type: "fallback", payload: { url: "http://169.254.169.254/latest/", title: "Deal" } },
              {
                type: "fallback",
                title: "Old share",
                url: "https://l.facebook.com/l.php?u=x",
                payload: null,
              },
              {
                type: "template",
                payload: {
                  template_type: "generic",
                  elements: [{ title: "Shoes", default_action: { url: "https://shop.example/shoes" } }],
                },
              },
              {
                type: "ig_reel",
                payload: { url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1" },
              },
              { type: "image", payload: { url: "not a url" } },
              { type: "constructor", payload: { url: "https://x.fbcdn.net/c" } },
            ],
          },
        },
      ],
    });
    expect(event?.type === "message" && event.inbound).toMatchObject({
      text: [
        "look",
        "🔗 Deal: http://169.254.169.254/latest/",
        "🔗 Old share: https://l.facebook.com/l.php?u=x",
        "🔗 Shoes: https://shop.example/shoes",
        "🔗 https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
        "🔗 not a url",
        "🔗 https://x.fbcdn.net/c",
      ].join("\n"),
      attachments: [],
    });
  });

  it("recognises echoes of the Page's own messages", () => {
    const [event] = parse({ pageId: page, events: [events.echo(page, psid, "we said this")] });
    expect(event?.type).toBe("echo");
  });

  it("turns delivery (with and without mids) and read into reports", () => {
    const parsed = parse({
      pageId: page,
      events: [
        events.delivery(page, psid, 1458668856253, ["m_a", "m_b"]),
        events.delivery(page, psid, 1458668856253),
        events.read(page, psid, 1458668856300),
      ],
    });
    const common = { kind: "messenger", inboxAddress: page, contactAddress: psid };
    expect(parsed).toEqual([
      {
        type: "report",
        report: {
          ...common,
          status: "delivered",
          providerMessageIds: ["m_a", "m_b"],
          upTo: new Date(1458668856253),
        },
      },
      {
        type: "report",
        report: { ...common, status: "delivered", providerMessageIds: [], upTo: new Date(1458668856253) },
      },
      {
        type: "report",
        report: { ...common, status: "read", providerMessageIds: [], upTo: new Date(1458668856300) },
      },
    ]);
  });

  it("reports unknown and malformed events as ignored, with the reason, without dropping the others", () => {
    const parsed = parse({
      pageId: page,
      events: [
        events.postback(page, psid, "GET_STARTED"),
        { sender: { id: psid }, recipient: { id: page }, reaction: { reaction: "love", mid: "m_x" } },
        { sender: { id: "not-digits" }, recipient: { id: page }, message: { mid: "m_y", text: "x" } },
        { recipient: { id: page }, message: { text: "no sender, no mid" } },
        events.text(page, psid, "still here"),
      ],
    });
    expect(parsed.map((e) => e.type)).toEqual(["ignored", "ignored", "ignored", "ignored", "message"]);
    expect(parsed[0]).toEqual({ type: "ignored", reason: "unhandled event type: postback" });
    expect(parsed[1]).toEqual({ type: "ignored", reason: "unhandled event type: reaction" });
    expect(parsed[2]?.type === "ignored" && parsed[2].reason).toContain("sender.id is not a Graph id");
    expect(parsed[3]?.type === "ignored" && parsed[3].reason).toContain("malformed event");
  });

  it.each([
    ["a non-page object", { object: "instagram", entry: [] }, 'object must be "page"'],
    ["no entry list", { object: "page" }, "entry must be a list"],
    ["a messaging that is not a list", { object: "page", entry: [{ id: page, messaging: {} }] }, "messaging"],
    ["an array", [], "body"],
    ["null", null, "body"],
  ])("refuses %s with the problem", (_label, body, problem) => {
    const result = parseWebhookBody(body);
    expect("problem" in result && result.problem).toContain(problem);
  });

  it("accepts an entry without messaging (other subscribed fields) as no events", () => {
    expect(parseWebhookBody({ object: "page", entry: [{ id: page, time: 1, changes: [] }] })).toEqual({
      events: [],
    });
  });
});
