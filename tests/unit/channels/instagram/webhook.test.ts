import { describe, expect, it } from "vitest";
import { instagramWebhook } from "../../../../src/channels/instagram/webhook.js";
import { messengerWebhook } from "../../../../src/channels/messenger/webhook.js";
import { parseNotification } from "../../../../src/channels/meta/events.js";
import { events, instagramEvents, instagramNotification } from "../../../../src/simulators/meta/payloads.js";

const account = "17841400000000001";
const igsid = "9000000000004321";
const channels = [messengerWebhook, instagramWebhook];

const parse = (...evts: Record<string, unknown>[]) => {
  const body = JSON.parse(JSON.stringify(instagramNotification([{ accountId: account, events: evts }])));
  const result = parseNotification(body, channels);
  if ("problem" in result) throw new Error(result.problem);
  return result;
};

describe("Instagram notifications on the shared Meta webhook", () => {
  it("go to the Instagram channel, the entry's account as the inbox and the IGSID as the contact", () => {
    const { channel, events: parsed } = parse(events.text(account, igsid, "hi", { mid: "aWdf1" }));
    expect(channel.kind).toBe("instagram");
    expect(parsed).toEqual([
      {
        type: "message",
        inbound: expect.objectContaining({
          kind: "instagram",
          inboxAddress: account,
          contactAddress: igsid,
          providerMessageId: "aWdf1",
          text: "hi",
          attachments: [],
        }),
      },
    ]);
  });

  it("reads a story reply and a story mention as links, never as files", () => {
    const { events: parsed } = parse(
      instagramEvents.storyReply(account, igsid, "nice", { id: "1", url: "https://lookaside.fbsbx.com/s/1" }),
      instagramEvents.storyMention(account, igsid, "https://lookaside.fbsbx.com/s/2"),
    );
    const inbound = parsed.map((event) => (event.type === "message" ? event.inbound : null));
    expect(inbound.map((message) => message?.text)).toEqual([
      "↩️ Replied to your story: https://lookaside.fbsbx.com/s/1\nnice",
      "🔗 Mentioned you in their story: https://lookaside.fbsbx.com/s/2",
    ]);
    expect(inbound.flatMap((message) => message?.attachments ?? [])).toEqual([]);
  });

  it("reads a seen receipt naming the message as a read report for that message", () => {
    const { events: parsed } = parse(instagramEvents.seen(account, igsid, "m_reply"));
    expect(parsed).toEqual([
      {
        type: "report",
        report: {
          kind: "instagram",
          inboxAddress: account,
          contactAddress: igsid,
          status: "read",
          providerMessageIds: ["m_reply"],
          upTo: null,
        },
      },
    ]);
  });

  it("ignores the echo of the account's own message", () => {
    expect(parse(events.echo(account, igsid, "our reply")).events.map((event) => event.type)).toEqual([
      "echo",
    ]);
  });

  it("refuses an object no channel reads, naming the ones it does", () => {
    const result = parseNotification({ object: "user", entry: [] }, channels);
    expect("problem" in result && result.problem).toBe(
      'object must be "page" or "instagram" (a subscription Threadline bridges), not "user"',
    );
  });
});
