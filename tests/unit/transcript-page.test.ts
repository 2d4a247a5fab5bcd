import { describe, expect, it } from "vitest";
import { escapeHtml, renderTranscript } from "../../src/http/transcript/render.js";
import { TranscriptSigner } from "../../src/http/transcript/signing.js";
import type { TranscriptAttachment, TranscriptView } from "../../src/http/transcript/view.js";

const evil = `<img src=x onerror="alert(1)">'&`;

/** The route's links, with a signature that would break out of an attribute if it were not escaped. */
const linkOf = (file: TranscriptAttachment) =>
  `/conversations/7/attachments/${file.messageId}/${file.index}?sig="><script>`;

const view: TranscriptView = {
  title: `Conversation with ${evil}`,
  contact: evil,
  contactAddress: "+1 555 765 4321",
  channelLabel: `SMS${evil}`,
  inbox: `+1 555 000 1111${evil}`,
  status: "closed",
  closedBy: `Closer${evil}`,
  closedAt: new Date("2026-11-25T01:02:03Z"),
  assignee: `Ana${evil}`,
  optedOut: true,
  messages: [
    {
      direction: "in",
      author: evil,
      at: new Date("2026-11-25T01:00:00Z"),
      body: `hi ${evil}`,
      status: "received",
      error: null,
      attachments: [
        { messageId: 1, index: 0, label: `photo${evil}`, isImage: true, fetchable: true },
        { messageId: 1, index: 1, label: "not a link", isImage: false, fetchable: false },
      ],
    },
    {
      direction: "out",
      author: `Agent${evil}`,
      at: new Date("2026-11-25T01:01:00Z"),
      body: "reply",
      status: "failed",
      error: `carrier said ${evil}`,
      attachments: [],
    },
  ],
  events: [{ at: new Date("2026-11-25T01:00:30Z"), text: `nudge ${evil}` }],
};

describe("the transcript page's HTML", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("shows Threadline's lines (nudges) between the messages, in time order", () => {
    const html = renderTranscript(view, linkOf);
    const [first, nudge, reply] = ["hi ", "⏱️ nudge", "reply"].map((text) => html.indexOf(text));
    expect(first).toBeGreaterThan(0);
    expect(nudge).toBeGreaterThan(first as number);
    expect(reply).toBeGreaterThan(nudge as number);
    expect(html).toContain(`⏱️ nudge ${escapeHtml(evil)}`);
    const late = renderTranscript(
      { ...view, events: [{ at: new Date("2026-11-26T00:00:00Z"), text: "late" }] },
      linkOf,
    );
    expect(late.indexOf("⏱️ late")).toBeGreaterThan(late.indexOf("reply"));
  });

  it("escapes every piece of customer and agent text, and links only files Threadline can fetch", () => {
    const html = renderTranscript(view, linkOf);
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('onerror="');
    expect(html).not.toContain('javascript:alert(1)"');
    expect(html).not.toMatch(/href="javascript:/);
    const escaped = escapeHtml(evil);
    // Title (twice), contact, channel, inbox, closed by, assignee, author, body, image label, agent, error.
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(12);
    expect(html).toContain('<img src="/conversations/7/attachments/1/0?sig=&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('<span class="file">📎 not a link</span>');
    expect(html).not.toContain("attachments/1/1");
    expect(html).toContain("2026-11-25 01:02 UTC");
    expect(html).toContain("opted out");
  });
});

describe("transcript link signatures", () => {
  const now = Date.parse("2026-11-25T00:00:00Z");
  const signer = new TranscriptSigner("https://t.example", undefined, () => now);
  signer.useSecret("s".repeat(32));
  const sigOf = (url: string) => new URL(url).searchParams.get("sig");

  it("signs the id with an expiry 15 minutes out, and accepts only that id", () => {
    const { url, expiresAt } = signer.urlFor(7);
    expect(url).toMatch(/^https:\/\/t\.example\/conversations\/7\?sig=\d+\.[\w-]{43}$/);
    expect(Number(sigOf(url)?.split(".")[0])).toBe(now / 1000 + 15 * 60);
    expect(expiresAt).toEqual(new Date(now + 15 * 60_000));
    expect(signer.check("7", sigOf(url))).toBe("valid");
    expect(signer.check("8", sigOf(url))).toBe("wrong");
    expect(signer.check("07", sigOf(url))).toBe("wrong");
  });

  it("refuses expired, malformed and missing signatures", () => {
    const later = new TranscriptSigner("https://t.example", undefined, () => now + 16 * 60_000);
    later.useSecret("s".repeat(32));
    expect(later.check("7", sigOf(signer.urlFor(7).url))).toBe("expired");
    expect(signer.check("7", undefined)).toBe("missing");
    expect(signer.check("7", ["a", "b"])).toBe("missing");
    expect(signer.check("7", "123.short")).toBe("malformed");
  });

  it("cannot sign before it has a secret", () => {
    expect(() => new TranscriptSigner("https://t.example").urlFor(1)).toThrow(/before start/);
  });
});
