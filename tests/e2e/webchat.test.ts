import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { streamRefreshMs } from "../../src/channels/webchat/stream.js";
import { agent, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

/** The site allowed to embed the chat, and one that is not. */
const site = "https://shop.example";
const stranger = "https://evil.example";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start({ environment: { WEBCHAT_ORIGINS: `${site},http://localhost:8080` } });
});

afterEach(async () => {
  await harness.stop();
});

interface Call {
  readonly method?: string;
  readonly origin?: string | null;
  readonly token?: string;
  readonly body?: unknown;
}

/** A request as the widget makes it from a page of `origin`. */
function call(path: string, { method = "GET", origin = site, token, body }: Call = {}) {
  const headers: Record<string, string> = {};
  if (origin) headers.origin = origin;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${harness.baseUrl}/webchat/${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

let clientIds = 0;
const message = (text: string, extra: Record<string, unknown> = {}) => ({
  clientId: `client-${++clientIds}-0000`,
  text,
  ...extra,
});

async function connectSite(name = "Acme Store") {
  const answer = await harness.command(`connect webchat ${name}`);
  expect(answer).toContain("Connected Web chat acme-store to this channel");
  return answer;
}

async function newVisitor(key = "acme-store"): Promise<string> {
  const response = await call(`${key}/visitors`, { method: "POST", body: {} });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function send(token: string, text: string, extra: Record<string, unknown> = {}) {
  return call("acme-store/messages", { method: "POST", token, body: message(text, extra) });
}

async function history(token: string) {
  const response = await call("acme-store/messages", { token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: { from: string; text: string; id: number }[] }).messages;
}

describe("connecting a site", () => {
  it("answers /threadline connect webchat with the snippet to paste", async () => {
    const answer = await connectSite();
    expect(answer).toContain(`<script src="${publicUrl}/webchat/acme-store.js" async></script>`);
  });

  it("serves the embed script, under 30 KB gzipped, with the launcher's and the panel's names", async () => {
    await connectSite();
    const response = await fetch(`${harness.baseUrl}/webchat/acme-store.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    const script = await response.text();
    expect(script).toContain("Chat with us");
    expect(script).not.toContain("__WIDGET_CSS__");
    const gzipped = gzipSync(Buffer.from(script)).length;
    expect(gzipped).toBeLessThan(30 * 1024);
    // Data from the server is only ever set as text.
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe("a visitor's conversation", () => {
  beforeEach(async () => {
    await connectSite();
  });

  it("starts a thread named after the visitor, and an agent's reply reaches their history with ✅", async () => {
    const token = await newVisitor();
    const sent = await send(token, "Hi! Do you ship to Canada? <!channel> *bold*");
    expect(sent.status).toBe(202);
    expect(sent.headers.get("access-control-allow-origin")).toBe(site);
    const parent = await harness.waitForParent();
    expect(parent.text).toMatch(/Conversation with Visitor [0-9A-F]{4}/);
    const [first] = await waitFor(() => harness.replies(parent.ts).length > 0 && harness.replies(parent.ts));
    // Escaped for Slack: the visitor cannot ping the channel.
    expect(first?.text).toContain("&lt;!channel&gt;");

    await harness.reply(parent.ts, "Yes, we do!");
    const messages = await waitFor(async () => {
      const seen = await history(token);
      return seen.length === 2 && seen;
    });
    expect(messages.map(({ from, text }) => ({ from, text }))).toEqual([
      { from: "visitor", text: "Hi! Do you ship to Canada? <!channel> *bold*" },
      { from: "team", text: "Yes, we do!" },
    ]);
    const agentReply = await waitFor(() =>
      harness.replies(parent.ts).find((reply) => reply.text === "Yes, we do!"),
    );
    await waitFor(() =>
      harness.slack.reactions.some(
        (reaction) => reaction.timestamp === agentReply.ts && reaction.name === "white_check_mark",
      ),
    );
    const metrics = await (await fetch(harness.metricsUrl)).text();
    expect(metrics).toContain(
      'threadline_messages_total{direction="in",channel="webchat",result="recorded"} 1',
    );
    expect(metrics).toContain('threadline_messages_total{direction="out",channel="webchat",result="sent"} 1');
  });

  it("tells the agent plainly that files are not sent to visitors", async () => {
    const token = await newVisitor();
    await send(token, "Can you send me the invoice?");
    const parent = await harness.waitForParent();
    const file = harness.slack.addFile({
      name: "invoice.png",
      mimetype: "image/png",
      bytes: Buffer.from("png"),
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "Here it is",
      thread_ts: parent.ts,
      files: [file],
    });
    await waitFor(() =>
      harness
        .replies(parent.ts)
        .some((reply) =>
          reply.text.startsWith(
            "⚠️ Not sent to the customer: Web chat can carry only text (no files yet), not image/png (invoice.png)",
          ),
        ),
    );
    expect((await history(token)).map((message) => message.text)).toEqual(["Can you send me the invoice?"]);
  });

  it("names the visitor from the optional form", async () => {
    const token = await newVisitor();
    await send(token, "Hello", { name: "Jane Roe", email: "jane@example.com" });
    const parent = await harness.waitForParent();
    expect(parent.text).toContain("Conversation with Jane Roe (jane@example.com)");
  });

  it("keeps a name that carries Slack markup as text", async () => {
    const token = await newVisitor();
    await send(token, "Hello", { name: "<!channel> Mallory" });
    const parent = await harness.waitForParent();
    expect(parent.text).toContain("Conversation with &lt;!channel&gt; Mallory");
    // Every mrkdwn text of the blocks (plain_text, like the header, is never parsed for mentions).
    const mrkdwn: string[] = [];
    JSON.stringify(parent.blocks, (_key, value: { type?: unknown; text?: unknown }) => {
      if (value?.type === "mrkdwn" && typeof value.text === "string") mrkdwn.push(value.text);
      return value;
    });
    expect(mrkdwn.length).toBeGreaterThan(0);
    expect(mrkdwn.join("\n")).not.toMatch(/<[!@]/);
  });

  it("refuses an e-mail address that is not one", async () => {
    const token = await newVisitor();
    const response = await send(token, "Hello", { email: "not an address" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      "that e-mail address does not look right",
    );
  });

  it("streams the agent's reply live to the visitor's open stream", async () => {
    const token = await newVisitor();
    await send(token, "Anyone there?");
    const parent = await harness.waitForParent();
    const controller = new AbortController();
    const response = await fetch(`${harness.baseUrl}/webchat/acme-store/events`, {
      headers: { origin: site, authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let received = "";
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}`);
        received += value;
      }
    };
    await readUntil("Anyone there?");
    await harness.reply(parent.ts, "Here! How can I help?");
    // Live: woken by the send, not found by the stream's periodic re-read.
    let timer: NodeJS.Timeout | undefined;
    const periodic = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("the reply did not come live, only with the stream's periodic refresh")),
        streamRefreshMs - 2_000,
      );
    });
    await Promise.race([readUntil("Here! How can I help?"), periodic]).finally(() => clearTimeout(timer));
    controller.abort();
  });

  it("keeps each visitor to their own conversation", async () => {
    const mine = await newVisitor();
    const theirs = await newVisitor();
    await send(theirs, "my secret order number 1234");
    await send(mine, "hello");
    await waitFor(() => harness.parents().length === 2);
    const seen = await history(mine);
    expect(seen.map((each) => each.text)).toEqual(["hello"]);
  });
});

describe("refusals", () => {
  beforeEach(async () => {
    await connectSite();
  });

  it("refuses a request from a site not in WEBCHAT_ORIGINS, or with no Origin, and logs it", async () => {
    for (const origin of [stranger, null]) {
      const response = await call("acme-store/status", { origin });
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(((await response.json()) as { error: string }).error).toContain("not allowed");
    }
    const preflight = await call("acme-store/messages", { method: "OPTIONS", origin: stranger });
    expect(preflight.status).toBe(403);
    expect(harness.logs.find("web chat request refused: origin not allowed")).toMatchObject({
      origin: stranger,
    });
  });

  it("answers an allowed site's preflight with its origin alone", async () => {
    const preflight = await call("acme-store/messages", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(site);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
  });

  it("refuses a missing or malformed visitor token", async () => {
    for (const token of [undefined, "not-a-token"]) {
      const response = await call("acme-store/messages", { token });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe("visitor token missing or malformed");
      const posted = await call("acme-store/messages", { method: "POST", token, body: message("hi") });
      expect(posted.status).toBe(401);
    }
    expect(harness.logs.find("web chat request refused: visitor token missing or malformed")).toBeDefined();
    expect(harness.parents()).toEqual([]);
  });

  it("refuses a site that is not connected", async () => {
    const response = await call("no-such-site/status");
    expect(response.status).toBe(404);
    expect(harness.logs.find("web chat request refused: no such site")).toBeDefined();
  });

  it("refuses text over 2,000 characters and records nothing", async () => {
    const token = await newVisitor();
    const response = await send(token, "x".repeat(2001));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      "messages must be at most 2000 characters",
    );
    expect(harness.logs.find("web chat message refused: invalid")).toBeDefined();
    await harness.idle();
    expect(harness.parents()).toEqual([]);
    expect((await send(token, "x".repeat(2000))).status).toBe(202);
  });

  it("limits how fast one visitor may write", async () => {
    const token = await newVisitor();
    for (let i = 0; i < 10; i++) expect((await send(token, `message ${i}`)).status).toBe(202);
    const refused = await send(token, "one too many");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(harness.logs.find("web chat message refused: rate limit")).toBeDefined();
    // Another visitor is not held back by this one.
    expect((await send(await newVisitor(), "hello")).status).toBe(202);
  });

  it("limits how many event streams one visitor may hold open", async () => {
    const token = await newVisitor();
    const controller = new AbortController();
    const open = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${harness.baseUrl}/webchat/acme-store/events`, {
        headers: { origin: site, authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      open.push(response);
    }
    const refused = await call("acme-store/events", { token });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: string }).error).toBe("too many chat windows open; close one");
    expect(harness.logs.find("web chat stream refused: too many open for one visitor")).toBeDefined();
    controller.abort();
  });

  it("limits how many visitors one address may start", async () => {
    for (let i = 0; i < 20; i++) await newVisitor();
    const refused = await call("acme-store/visitors", { method: "POST", body: {} });
    expect(refused.status).toBe(429);
    expect(
      harness.logs.find("web chat request refused: too many new visitors from one address"),
    ).toBeDefined();
  });

  it("refuses an image of a type not accepted, or that is not what it says, or too large", async () => {
    const token = await newVisitor();
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");
    const cases: [Record<string, unknown>, string][] = [
      [{ contentType: "image/svg+xml", data: png }, "images must be JPEG, PNG, GIF or WebP"],
      [
        { contentType: "image/jpeg", data: png },
        "the file is not the image it says it is (JPEG, PNG, GIF or WebP)",
      ],
      [
        {
          contentType: "image/png",
          data: Buffer.concat([
            Buffer.from("89504e470d0a1a0a", "hex"),
            Buffer.alloc(2 * 1024 * 1024),
          ]).toString("base64"),
        },
        "images must be at most 2 MB",
      ],
    ];
    for (const [image, problem] of cases) {
      const response = await send(token, "", { image });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(problem);
    }
    await harness.idle();
    expect(harness.parents()).toEqual([]);
  });

  it("posts an accepted image in the thread", async () => {
    const token = await newVisitor();
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    ).toString("base64");
    const response = await send(token, "here is the damage", {
      image: { contentType: "image/png", filename: "damage.png", data: png },
    });
    expect(response.status).toBe(202);
    const parent = await harness.waitForParent();
    const upload = await waitFor(() => harness.slack.uploads.find((each) => each.thread_ts === parent.ts));
    expect(upload.filename).toBe("damage.png");
  });
});

describe("business hours", () => {
  it("tells the panel the team is away, with the away message", async () => {
    await connectSite();
    // A day the team never works: always closed.
    await harness.command("hours Sun 09:00-09:01 UTC");
    await harness.command("away We are closed now; we answer in the morning.");
    const response = await call("acme-store/status");
    expect(response.status).toBe(200);
    const status = (await response.json()) as { open: boolean; awayMessage: string | null };
    expect(status.open).toBe(false);
    expect(status.awayMessage).toBe("We are closed now; we answer in the morning.");
  });
});

describe("shutting down", () => {
  it("ends visitors' open streams instead of waiting for them", async () => {
    await harness.stop();
    // A grace far beyond the test's timeout: an open stream holding the close would fail the test.
    harness = await Harness.start({
      environment: { WEBCHAT_ORIGINS: site },
      overrides: { http: { shutdownGraceMs: 600_000 } },
    });
    await connectSite();
    const token = await newVisitor();
    const response = await call("acme-store/events", { token });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await harness.app.stop();
    expect((await reader.read()).done).toBe(true);
    expect(
      harness.logs.find("connections still open at the shutdown deadline: closing them"),
    ).toBeUndefined();
  });
});
