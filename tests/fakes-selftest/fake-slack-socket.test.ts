import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import type { SocketEnvelope } from "../../src/simulators/slack/types.js";
import { waitFor } from "../../src/simulators/wait.js";

/** A bare Socket Mode client, to see the frames Bolt hides (and to not ack when a test wants that). */
class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  pings = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on("ping", () => {
      this.pings += 1;
    });
  }

  static async connect(fake: SlackSimulator): Promise<RawClient> {
    const response = await fetch(`${fake.apiUrl}apps.connections.open`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.appToken}` },
    });
    const { url } = (await response.json()) as { url: string };
    const client = new RawClient(new WebSocket(url));
    await waitFor(() => client.frames.find((f) => f.type === "hello"));
    return client;
  }

  envelope(predicate: (e: SocketEnvelope) => boolean): Promise<SocketEnvelope> {
    return waitFor(() =>
      (this.frames as unknown as SocketEnvelope[]).find((f) => f.envelope_id && predicate(f)),
    );
  }

  ack(envelopeId: string, payload: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ envelope_id: envelopeId, payload }));
  }
}

describe("SlackSimulator Socket Mode wire protocol", () => {
  let fake: SlackSimulator;

  beforeEach(async () => {
    fake = await SlackSimulator.start();
    fake.addChannel({ id: "C1", name: "support", members: ["U1", fake.botUserId] });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it("says hello with the app id and rejects unknown tickets", async () => {
    const client = await RawClient.connect(fake);
    expect(client.frames[0]).toMatchObject({ type: "hello", connection_info: { app_id: "A111" } });
    const stranger = new WebSocket(
      `${fake.apiUrl.replace("http", "ws").replace("/api/", "")}/link/?ticket=nope`,
    );
    const failure = await new Promise((resolve) => stranger.on("error", resolve));
    expect(String(failure)).toContain("401");
  });

  it("wraps events in a full events_api envelope and resolves on ack", async () => {
    const client = await RawClient.connect(fake);
    const sent = fake.sendEvent(
      { type: "app_mention", user: "U1", text: "hi", channel: "C1" },
      { eventId: "Ev1" },
    );
    const envelope = await client.envelope(() => true);
    expect(envelope).toMatchObject({
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: "",
      payload: {
        type: "event_callback",
        team_id: "T111",
        api_app_id: "A111",
        event_id: "Ev1",
        event_time: expect.any(Number),
        authorizations: [{ team_id: "T111", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
        event: { type: "app_mention", text: "hi" },
      },
    });
    client.ack(envelope.envelope_id);
    expect(await sent).toBe(envelope.envelope_id);
  });

  it("rejects when the app does not ack in time", async () => {
    await RawClient.connect(fake);
    await expect(
      fake.slashCommand({ channel_id: "C1", user_id: "U1", text: "", ackTimeoutMs: 200 }),
    ).rejects.toThrow(/no ack for slash_commands/);
  });

  it("queues envelopes until a connection says hello", async () => {
    const sent = fake.sendEvent({ type: "app_mention", channel: "C1" });
    const client = await RawClient.connect(fake);
    const envelope = await client.envelope(() => true);
    expect(client.frames.indexOf(envelope as unknown as Record<string, unknown>)).toBe(1);
    client.ack(envelope.envelope_id);
    await sent;
  });

  it("redelivers an unacked event on the next connection with retry_attempt+1", async () => {
    const first = await RawClient.connect(fake);
    const sent = fake.userMessage({ channel: "C1", user: "U1", text: "hello", ackTimeoutMs: 10_000 });
    const original = await first.envelope(() => true);
    fake.dropConnection();
    const second = await RawClient.connect(fake);
    const retry = await second.envelope(() => true);
    expect(retry).toMatchObject({
      envelope_id: original.envelope_id,
      retry_attempt: 1,
      retry_reason: "timeout",
    });
    expect(retry.payload.event_id).toBe(original.payload.event_id);
    second.ack(retry.envelope_id);
    expect((await sent).envelopeId).toBe(original.envelope_id);
    expect(fake.connectionCount).toBe(2);
  });

  it("sends disconnect frames and stops routing to that socket", async () => {
    const client = await RawClient.connect(fake);
    const closed = fake.disconnect("warning");
    await waitFor(() => client.frames.find((f) => f.type === "disconnect"));
    expect(fake.isConnected).toBe(false);
    client.ws.close(1000);
    await closed;
  });

  it("pings connected clients", async () => {
    const client = await RawClient.connect(fake);
    await waitFor(() => client.pings > 0, { timeoutMs: 6_000 });
  });

  it("shapes user thread replies, file shares, edits and deletes like Slack", async () => {
    const client = await RawClient.connect(fake);
    const ackAll = setInterval(() => {
      for (const f of client.frames as unknown as SocketEnvelope[])
        if (f.envelope_id) client.ack(f.envelope_id);
    }, 10);
    try {
      const parent = await fake.userMessage({ channel: "C1", user: "U1", text: "parent" });
      const file = fake.addFile({ name: "cat.png", mimetype: "image/png", bytes: Buffer.from("png") });
      const reply = await fake.userMessage({
        channel: "C1",
        user: "U2",
        text: "look",
        thread_ts: parent.ts,
        files: [file],
      });
      await fake.editMessage({ channel: "C1", ts: reply.ts, text: "look!" });
      await fake.deleteMessage({ channel: "C1", ts: reply.ts });
      const events = (client.frames as unknown as SocketEnvelope[])
        .filter((f) => f.type === "events_api")
        .map((f) => f.payload.event);
      expect(events[1]).toMatchObject({
        subtype: "file_share",
        thread_ts: parent.ts,
        parent_user_id: "U1",
        files: [{ name: "cat.png", user: "U2", url_private: expect.stringContaining("/files-pri/") }],
        channel_type: "channel",
      });
      expect(events[2]).toMatchObject({
        subtype: "message_changed",
        hidden: true,
        message: { ts: reply.ts, text: "look!", edited: { user: "U2" } },
        previous_message: { text: "look" },
      });
      expect(events[3]).toMatchObject({ subtype: "message_deleted", deleted_ts: reply.ts });
      expect(fake.threadReplies("C1", parent.ts)).toHaveLength(0);
    } finally {
      clearInterval(ackAll);
    }
  });
});

describe("SlackSimulator Socket Mode with several connections (several app instances)", () => {
  /** Sends `events` events, each acked by whichever client got it; returns how many each client got. */
  const deliveriesTo = async (fake: SlackSimulator, clients: RawClient[], events: number) => {
    for (const client of clients)
      client.ws.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as { envelope_id?: string };
        if (frame.envelope_id) client.ack(frame.envelope_id);
      });
    for (let n = 0; n < events; n += 1) await fake.sendEvent({ type: "app_mention", channel: "C1" });
    return clients.map((client) => client.frames.filter((frame) => frame.envelope_id).length);
  };

  it("hands every envelope to the newest connection by default", async () => {
    const fake = await SlackSimulator.start();
    try {
      const clients = [await RawClient.connect(fake), await RawClient.connect(fake)];
      expect(fake.openConnections).toBe(2);
      expect(await deliveriesTo(fake, clients, 6)).toEqual([0, 6]);
    } finally {
      await fake.stop();
    }
  });

  it("spreads envelopes over the open connections with routing: random", async () => {
    const fake = await SlackSimulator.start({ routing: "random" });
    try {
      const clients = [
        await RawClient.connect(fake),
        await RawClient.connect(fake),
        await RawClient.connect(fake),
      ];
      const counts = await deliveriesTo(fake, clients, 60);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(60);
      // 60 random picks out of three all land on one or two connections with odds of about 3 in 10^10.
      for (const count of counts) expect(count).toBeGreaterThan(0);
    } finally {
      await fake.stop();
    }
  });
});
