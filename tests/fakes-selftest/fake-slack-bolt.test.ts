import type { App } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { boltAppOn } from "../support/bolt-on-simulator.js";

interface Seen {
  text?: string;
  ts: string;
  retryNum?: number;
}

describe("SlackSimulator driving a real Bolt app in Socket Mode", () => {
  let fake: SlackSimulator;
  let app: App;
  const seen: Seen[] = [];

  beforeAll(async () => {
    fake = await SlackSimulator.start();
    fake.addUser({ id: "U1", name: "alice", realName: "Alice Agent" });
    fake.addChannel({ id: "C1", name: "support", members: ["U1", fake.botUserId] });
    app = boltAppOn(fake);
    app.command("/threadline", async ({ ack, command }) => {
      await ack({
        response_type: "ephemeral",
        text: `${command.command} ${command.text} in ${command.channel_name}`,
      });
    });
    app.message(async ({ message, client, context }) => {
      const text = "text" in message ? message.text : undefined;
      seen.push({ text, ts: message.ts, retryNum: context.retryNum });
      if (text === "ping")
        await client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, text: "pong" });
    });
    app.action("close", async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: "Closed" });
    });
    app.action("assign", async ({ ack }) => {
      await ack();
    });
    app.options("assign", async ({ ack, payload }) => {
      await ack({
        options: [{ text: { type: "plain_text", text: `Alice (${payload.value})` }, value: "U1" }],
      });
    });
    await app.start();
  });

  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  it("is verified with auth.test before Socket Mode opens", () => {
    const methods = fake.calls.map((c) => c.method);
    expect(methods.indexOf("auth.test")).toBeLessThan(methods.indexOf("apps.connections.open"));
    const open = fake.calls.find((c) => c.method === "apps.connections.open");
    expect(open?.headers.authorization).toBe(`Bearer ${fake.appToken}`);
    expect(fake.connectionCount).toBe(1);
    expect(fake.isConnected).toBe(true);
  });

  it("returns the ack payload of a slash command", async () => {
    const ack = await fake.slashCommand({ channel_id: "C1", user_id: "U1", text: "status" });
    expect(ack).toEqual({ response_type: "ephemeral", text: "/threadline status in support" });
  });

  it("delivers a user message, sees the bot's reply, and the echo is acked but filtered by ignoreSelf", async () => {
    const { ts, envelopeId } = await fake.userMessage({ channel: "C1", user: "U1", text: "ping" });
    expect(envelopeId).toEqual(expect.any(String));
    const reply = await waitFor(() => fake.threadReplies("C1", ts)[0]);
    expect(reply).toMatchObject({ text: "pong", thread_ts: ts, user: fake.botUserId, bot_id: fake.botId });
    const echo = await waitFor(() =>
      fake.envelopes.find((e) => (e.payload.event as { ts?: string } | undefined)?.ts === reply.ts),
    );
    expect(echo.payload.event).toMatchObject({
      bot_id: fake.botId,
      user: fake.botUserId,
      parent_user_id: "U1",
    });
    expect(echo.payload.event).not.toHaveProperty("subtype");
    await waitFor(() => fake.acks.some((a) => a.envelope_id === echo.envelope_id));
    // A message sent after the echo goes through the same middleware: once it is seen, so was the echo.
    await fake.userMessage({ channel: "C1", user: "U1", text: "after the echo" });
    await waitFor(() => seen.some((s) => s.text === "after the echo"));
    expect(seen.map((s) => s.text)).toEqual(["ping", "after the echo"]);
  });

  it("queues events across a refresh_requested disconnect and reconnects", async () => {
    const started = Date.now();
    await fake.disconnect("refresh_requested");
    expect(fake.isConnected).toBe(false);
    const during = fake.userMessage({ channel: "C1", user: "U1", text: "sent during the gap" });
    await fake.waitForConnection(2);
    const reconnectMs = Date.now() - started;
    await during;
    const message = await waitFor(() => seen.find((s) => s.text === "sent during the gap"));
    expect(message.retryNum).toBe(0);
    // socket-mode 3 waits clientPingTimeout (5 s) before reconnecting.
    expect(reconnectMs).toBeGreaterThanOrEqual(4_500);
    expect(fake.calls.filter((c) => c.method === "apps.connections.open")).toHaveLength(2);
  });

  it("reconnects after the connection drops", async () => {
    fake.dropConnection();
    await fake.waitForConnection(3);
    await fake.userMessage({ channel: "C1", user: "U1", text: "after the drop" });
    await waitFor(() => seen.find((s) => s.text === "after the drop"));
  });

  it("lands filesUploadV2 bytes in uploads and serves them to the bot token only", async () => {
    const { ts } = await fake.userMessage({ channel: "C1", user: "U1", text: "photo please" });
    const result = await app.client.filesUploadV2({
      channel_id: "C1",
      thread_ts: ts,
      file: Buffer.from("hello bytes"),
      filename: "hello.txt",
      initial_comment: "here you go",
    });
    const nested = (result.files as { files?: { id: string }[] }[])[0]?.files?.[0];
    expect(nested?.id).toMatch(/^F/);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ filename: "hello.txt", channel: "C1", thread_ts: ts });
    expect(fake.uploads[0]?.bytes.toString()).toBe("hello bytes");
    const message = fake.threadReplies("C1", ts).find((m) => m.files);
    expect(message).toMatchObject({ text: "here you go", subtype: "file_share" });
    const url = message?.files?.[0]?.url_private_download ?? "";
    const ok = await fetch(url, { headers: { authorization: `Bearer ${fake.botToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("hello bytes");
    expect((await fetch(url)).status).toBe(403);
  });

  it("drives buttons and external selects in a message the app posted", async () => {
    const posted = await app.client.chat.postMessage({
      channel: "C1",
      text: "New conversation",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "*New conversation*" } },
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "close",
              text: { type: "plain_text", text: "Close" },
              value: "conv-1",
            },
            {
              type: "external_select",
              action_id: "assign",
              min_query_length: 0,
              placeholder: { type: "plain_text", text: "Assign to team member" },
            },
          ],
        },
      ],
    });
    const messageTs = posted.ts ?? "";
    const target = { channel: "C1", messageTs, user: "U1" };

    const options = await fake.blockSuggestion(
      fake.buildBlockSuggestion({ ...target, actionId: "assign", value: "al" }),
    );
    expect(options).toEqual({ options: [{ text: { type: "plain_text", text: "Alice (al)" }, value: "U1" }] });

    const select = fake.buildExternalSelect({ ...target, actionId: "assign", value: "U1", text: "Alice" });
    expect(await fake.blockAction(select)).toEqual({});

    expect(await fake.blockAction(fake.buildButtonClick({ ...target, actionId: "close" }))).toEqual({});
    const updated = await waitFor(() => fake.messages.find((m) => m.ts === messageTs && m.text === "Closed"));
    expect(updated.history).toHaveLength(1);
    expect(updated.blocks).toBeUndefined();
    expect(fake.responses[0]?.body).toMatchObject({ replace_original: true });
  });
});
