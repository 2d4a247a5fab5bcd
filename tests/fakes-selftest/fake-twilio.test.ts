import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { twilioSignature } from "../../src/simulators/twilio/wire.js";

/** protocols §4.4: twilio-node has no base-URL option, so rewrite the host of every request. */
class LocalRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<T>(opts: RequestClient.RequestOptions<T>) {
    const url = new URL(opts.uri);
    return super.request({ ...opts, uri: this.base + url.pathname + url.search });
  }
}

interface Received {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}

/** Stands in for the app's webhook receiver. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      received.push({ headers: req.headers, params: Object.fromEntries(new URLSearchParams(body)) });
      res.writeHead(200, { "content-type": "text/xml" });
      res.end("<Response/>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("TwilioSimulator", () => {
  let fake: TwilioSimulator;
  let client: twilio.Twilio;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    fake = await TwilioSimulator.start();
    client = twilio(fake.accountSid, fake.authToken, { httpClient: new LocalRequestClient(fake.baseUrl) });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await fake.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  beforeEach(() => {
    receiver.received.length = 0;
  });

  it("computes twilio-node's signature (the twilio-node spec vector)", () => {
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const params = {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    };
    expect(twilioSignature("12345", url, params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    const withArray = { MediaUrl: ["b", "a", "b"], Body: "hi" };
    expect(fake.signature(url, withArray)).toBe(
      twilio.getExpectedTwilioSignature(fake.authToken, url, withArray),
    );
    expect(twilio.validateRequest(fake.authToken, fake.signature(url, params), url, params)).toBe(true);
  });

  it("creates messages with the real client and answers 201 in Twilio's JSON", async () => {
    const message = await client.messages.create({
      to: "+15550001111",
      from: "+15550002222",
      body: "hello there",
      mediaUrl: ["https://example.test/a.png", "https://example.test/b.png"],
      statusCallback: "https://public.example/webhooks/twilio/status",
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      status: "queued",
      numMedia: "2",
      direction: "outbound-api",
      to: "+15550001111",
    });
    expect(client.httpClient?.lastResponse?.statusCode).toBe(201);
    expect(fake.sent.at(-1)).toMatchObject({
      sid: message.sid,
      To: "+15550001111",
      From: "+15550002222",
      Body: "hello there",
      MediaUrl: ["https://example.test/a.png", "https://example.test/b.png"],
      StatusCallback: "https://public.example/webhooks/twilio/status",
    });
    const listed = await client.messages.list({
      to: "+15550001111",
      dateSentAfter: new Date(Date.now() - 60_000),
    });
    expect(listed.map((m) => m.sid)).toEqual([message.sid]);
    expect(await client.messages.list({ to: "+15559999999" })).toEqual([]);
  });

  it("turns injected errors into RestException with Twilio's codes", async () => {
    fake.failNext({ status: 400, code: 21211 });
    const invalid = await client.messages
      .create({ to: "+15550001111", from: "+15550002222", body: "x" })
      .catch((e) => e);
    expect(invalid).toBeInstanceOf(twilio.RestException);
    expect(invalid).toMatchObject({
      status: 400,
      code: 21211,
      moreInfo: "https://www.twilio.com/docs/errors/21211",
    });
    expect(invalid.message).toContain("+15550001111");

    fake.failNext({ status: 429 });
    const limited = await client.messages
      .create({ to: "+15550001111", from: "+15550002222", body: "x" })
      .catch((e) => e);
    expect(limited).toMatchObject({ status: 429, code: 20429 });

    // A fault of the message log answers its read; the next read and the sends are not touched.
    fake.failNextList({ status: 429 });
    const unlisted = await client.messages.list({ to: "+15559999999" }).catch((e) => e);
    expect(unlisted).toMatchObject({ status: 429, code: 20429 });
    expect(await client.messages.list({ to: "+15559999999" })).toEqual([]);

    fake.setDown(true);
    const down = await client.messages
      .create({ to: "+15550001111", from: "+15550002222", body: "x" })
      .catch((e) => e);
    expect(down).toMatchObject({ status: 503 });
    fake.setDown(false);

    const missing = await client.messages.create({ to: "+15550001111", body: "x" }).catch((e) => e);
    expect(missing).toMatchObject({ status: 400, code: 21603 });
    const stranger = twilio(fake.accountSid, "wrong", { httpClient: new LocalRequestClient(fake.baseUrl) });
    const denied = await stranger.messages
      .create({ to: "+15550001111", from: "+1555", body: "x" })
      .catch((e) => e);
    expect(denied).toMatchObject({ status: 401, code: 20003 });
  });

  it("posts signed inbound MMS webhooks that twilio.validateRequest accepts for the public URL", async () => {
    const mediaUrl = fake.addMedia(Buffer.from("jpeg bytes"), "image/jpeg");
    const publicUrl = "https://threadline.example/webhooks/twilio";
    const result = await fake.sendInbound({
      webhookUrl: `${receiver.url}/webhooks/twilio`,
      publicUrl,
      from: "+15550003333",
      to: "+15550001111",
      body: "see photo",
      media: [{ url: mediaUrl, contentType: "image/jpeg" }],
    });
    expect(result.status).toBe(200);
    expect(result.body).toBe("<Response/>");
    expect(result.messageSid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(mediaUrl).toContain(`/Messages/${result.messageSid}/Media/ME`);
    const [request] = receiver.received;
    expect(request?.params).toMatchObject({
      MessageSid: result.messageSid,
      SmsMessageSid: result.messageSid,
      AccountSid: fake.accountSid,
      From: "+15550003333",
      To: "+15550001111",
      Body: "see photo",
      NumMedia: "1",
      MediaUrl0: mediaUrl,
      MediaContentType0: "image/jpeg",
      SmsStatus: "received",
      ApiVersion: "2010-04-01",
    });
    const signature = String(request?.headers["x-twilio-signature"]);
    expect(twilio.validateRequest(fake.authToken, signature, publicUrl, request?.params ?? {})).toBe(true);
    expect(
      twilio.validateRequest(
        fake.authToken,
        signature,
        `${receiver.url}/webhooks/twilio`,
        request?.params ?? {},
      ),
    ).toBe(false);

    const basic = Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString("base64");
    const media = await fetch(mediaUrl, { headers: { authorization: `Basic ${basic}` } });
    expect(media.headers.get("content-type")).toBe("image/jpeg");
    expect(await media.text()).toBe("jpeg bytes");
    expect((await fetch(mediaUrl)).status).toBe(401);
    expect((await fetch(`${mediaUrl}x`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(404);
  });

  it("omits or overrides the signature on request", async () => {
    const base = {
      webhookUrl: receiver.url,
      publicUrl: "https://p.example/",
      from: "+1555",
      to: "+1556",
      body: "x",
    };
    await fake.sendInbound({ ...base, signature: null });
    await fake.sendInbound({ ...base, signature: "bogus" });
    expect(receiver.received[0]?.headers["x-twilio-signature"]).toBeUndefined();
    expect(receiver.received[1]?.headers["x-twilio-signature"]).toBe("bogus");
    expect(receiver.received[0]?.params.MessageSid).toMatch(/^SM/);
  });

  it("sends status callbacks signed for the StatusCallback URL and tracks the status", async () => {
    const message = await client.messages.create({
      to: "+15550004444",
      from: "+15550002222",
      body: "will fail",
      statusCallback: "https://threadline.example/webhooks/twilio/status",
    });
    await fake.sendStatusCallback({
      webhookUrl: `${receiver.url}/webhooks/twilio/status`,
      messageSid: message.sid,
      status: "undelivered",
      errorCode: 30003,
    });
    const [request] = receiver.received;
    expect(request?.params).toMatchObject({
      MessageSid: message.sid,
      MessageStatus: "undelivered",
      SmsStatus: "undelivered",
      ErrorCode: "30003",
      To: "+15550004444",
      From: "+15550002222",
    });
    const signature = String(request?.headers["x-twilio-signature"]);
    const statusUrl = "https://threadline.example/webhooks/twilio/status";
    expect(twilio.validateRequest(fake.authToken, signature, statusUrl, request?.params ?? {})).toBe(true);
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched).toMatchObject({ status: "undelivered", errorCode: 30003 });
  });

  describe("WhatsApp (Twilio's documented parameters)", () => {
    const sender = "+15550003333";
    const user = "+15557654321";

    it("posts WhatsApp messages with whatsapp: addresses, WaId and ProfileName, signed like SMS", async () => {
      const publicUrl = "https://threadline.example/webhooks/twilio";
      const result = await fake.sendWhatsAppInbound({
        webhookUrl: receiver.url,
        publicUrl,
        from: user,
        to: sender,
        body: "hola",
        profileName: "Maya Lopez",
      });
      expect(result.status).toBe(200);
      const [request] = receiver.received;
      expect(request?.params).toMatchObject({
        From: `whatsapp:${user}`,
        To: `whatsapp:${sender}`,
        WaId: "15557654321",
        ProfileName: "Maya Lopez",
        Body: "hola",
        NumMedia: "0",
        MessageType: "text",
      });
      expect(request?.params).not.toHaveProperty("FromCity");
      const signature = String(request?.headers["x-twilio-signature"]);
      expect(twilio.validateRequest(fake.authToken, signature, publicUrl, request?.params ?? {})).toBe(true);
    });

    it("fails a free-form message outside the 24-hour window with 63016, and lets a template through", async () => {
      const stranger = "+15557650000";
      const late = await client.messages.create({
        from: `whatsapp:${sender}`,
        to: `whatsapp:${stranger}`,
        body: "Hello?",
      });
      expect(await client.messages(late.sid).fetch()).toMatchObject({ status: "failed", errorCode: 63016 });

      const contentSid = fake.addContentTemplate("Hi {{1}}, your order {{2}} is ready.");
      const template = await client.messages.create({
        from: `whatsapp:${sender}`,
        to: `whatsapp:${stranger}`,
        contentSid,
        contentVariables: JSON.stringify({ 1: "Maya", 2: "#42" }),
      });
      expect(template).toMatchObject({ status: "queued", body: "Hi Maya, your order #42 is ready." });
      expect(fake.sent.at(-1)).toMatchObject({
        ContentSid: contentSid,
        ContentVariables: { 1: "Maya", 2: "#42" },
      });
    });

    it("accepts free-form messages within the window and reports read receipts as WhatsApp does", async () => {
      await fake.sendWhatsAppInbound({
        webhookUrl: receiver.url,
        publicUrl: receiver.url,
        from: user,
        to: sender,
        body: "hi",
      });
      const reply = await client.messages.create({
        from: `whatsapp:${sender}`,
        to: `whatsapp:${user}`,
        body: "Hello!",
        statusCallback: "https://threadline.example/webhooks/twilio/status",
      });
      expect(reply).toMatchObject({ status: "queued", to: `whatsapp:${user}`, from: `whatsapp:${sender}` });
      receiver.received.length = 0;
      await fake.sendStatusCallback({ webhookUrl: receiver.url, messageSid: reply.sid, status: "read" });
      expect(receiver.received[0]?.params).toMatchObject({
        MessageStatus: "read",
        ChannelPrefix: "whatsapp",
        EventType: "READ",
        To: `whatsapp:${user}`,
      });
    });

    it("refuses bad Content SIDs and variables with Twilio's codes", async () => {
      const contentSid = fake.addContentTemplate("Hi {{1}}");
      const attempt = (options: Record<string, string>) =>
        client.messages
          .create({ from: `whatsapp:${sender}`, to: `whatsapp:${user}`, ...options })
          .catch((error: { code?: number }) => error.code);
      expect(await attempt({ contentSid: `HX${"0".repeat(32)}` })).toBe(21655);
      expect(await attempt({ contentSid: "welcome" })).toBe(21655);
      expect(await attempt({ contentSid, contentVariables: "not json" })).toBe(21656);
      expect(await attempt({ contentSid, contentVariables: JSON.stringify({ 1: "" }) })).toBe(21656);
      expect(await attempt({ body: "x", contentVariables: JSON.stringify({ 1: "a" }) })).toBe(21654);
      expect(
        await client.messages
          .create({ from: sender, to: `whatsapp:${user}`, body: "x" })
          .catch((error: { code?: number }) => error.code),
      ).toBe(63007);
    });
  });
});
