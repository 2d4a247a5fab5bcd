import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";

/** The error code of a rejected WebClient call (platform error or HTTP error). */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string }; statusCode?: number };
    return e.data?.error ?? (e.statusCode ? `http_${e.statusCode}` : (e.code ?? String(err)));
  }
  throw new Error("expected the call to fail");
}

describe("SlackSimulator Web API through @slack/web-api", () => {
  let fake: SlackSimulator;
  let client: WebClient;

  beforeEach(async () => {
    fake = await SlackSimulator.start();
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    fake.addUser({ id: "U1", name: "alice", realName: "Alice Agent", displayName: "alice" });
    fake.addChannel({ id: "C1", name: "support", members: ["U1", fake.botUserId] });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it("answers auth.test with the bot identity and the granted scopes", async () => {
    fake.grantedScopes = ["chat:write", "users:read"];
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: "T111", user_id: "UBOT", bot_id: "BBOT" });
    expect(auth.response_metadata?.scopes).toEqual(["chat:write", "users:read"]);
    const stranger = new WebClient("xoxb-wrong", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    expect(await errorOf(stranger.auth.test())).toBe("invalid_auth");
    expect(await errorOf(client.apiCall("admin.conversations.search", {}))).toBe("unknown_method");
    const missing = await client.conversations.members({ channel: "C1" }).catch((err: unknown) => err);
    expect(missing).toMatchObject({ data: { error: "missing_scope", needed: "channels:read" } });
  });

  it("sends form bodies with JSON-string values, as WebClient does", async () => {
    await client.chat.postMessage({ channel: "C1", text: "hi", blocks: [{ type: "divider" }] });
    const call = fake.calls.find((c) => c.method === "chat.postMessage");
    expect(call?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call?.args.blocks).toBe('[{"type":"divider"}]');
    expect(fake.messages[0]?.blocks?.[0]).toMatchObject({ type: "divider", block_id: expect.any(String) });
  });

  it("refuses posts to unknown, foreign and archived channels, and invalid blocks", async () => {
    fake.addChannel({ id: "C2", name: "elsewhere", members: ["U1"] });
    fake.addChannel({ id: "C3", name: "old", members: [fake.botUserId], archived: true });
    fake.addChannel({ id: "G1", name: "secret", isPrivate: true, members: ["U1"] });
    expect(await errorOf(client.chat.postMessage({ channel: "C404", text: "x" }))).toBe("channel_not_found");
    expect(await errorOf(client.chat.postMessage({ channel: "C2", text: "x" }))).toBe("not_in_channel");
    expect(await errorOf(client.chat.postMessage({ channel: "C3", text: "x" }))).toBe("is_archived");
    expect(await errorOf(client.conversations.info({ channel: "G1" }))).toBe("channel_not_found");
    const empty = client.chat.postMessage({
      channel: "C1",
      text: "x",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "" } }],
    });
    expect(await errorOf(empty)).toBe("invalid_blocks");
    expect((await client.conversations.info({ channel: "C2" })).channel).toMatchObject({ is_member: false });
    await client.conversations.join({ channel: "C2" });
    expect((await client.conversations.info({ channel: "C2" })).channel).toMatchObject({ is_member: true });
  });

  it("pages conversations.members with limit and cursor", async () => {
    fake.addChannel({ id: "C9", name: "big", members: ["U1", "U2", "U3", "U4", fake.botUserId] });
    const pages: string[][] = [];
    for await (const page of client.paginate("conversations.members", { channel: "C9", limit: 2 })) {
      pages.push((page as unknown as { members: string[] }).members);
    }
    expect(pages).toEqual([["U1", "U2"], ["U3", "U4"], ["UBOT"]]);
    const last = fake.calls.filter((c) => c.method === "conversations.members").at(-1);
    expect(last?.args.cursor).toEqual(expect.any(String));
  });

  it("keeps threads, metadata, update history and reactions", async () => {
    const parent = await client.chat.postMessage({
      channel: "C1",
      text: "parent",
      blocks: [{ type: "section", text: { type: "plain_text", text: "parent" } }],
      metadata: { event_type: "conversation", event_payload: { id: "conv-1" } },
    });
    const parentTs = parent.ts ?? "";
    const reply = await client.chat.postMessage({ channel: "C1", thread_ts: parentTs, text: "first" });
    // A reply to a reply lands in the same thread, like in Slack.
    await client.chat.postMessage({ channel: "C1", thread_ts: reply.ts, text: "second" });
    const thread = await client.conversations.replies({
      channel: "C1",
      ts: parentTs,
      include_all_metadata: true,
    });
    expect(thread.messages?.map((m) => m.text)).toEqual(["parent", "first", "second"]);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 2, metadata: { event_type: "conversation" } });
    const plain = await client.conversations.replies({ channel: "C1", ts: parentTs });
    expect(plain.messages?.[0]).not.toHaveProperty("metadata");

    await client.chat.update({ channel: "C1", ts: parentTs, text: "parent (closed)" });
    const stored = fake.messages.find((m) => m.ts === parentTs);
    expect(stored?.text).toBe("parent (closed)");
    expect(stored?.blocks).toHaveLength(1);
    expect(stored?.history.map((v) => v.text)).toEqual(["parent"]);

    await client.reactions.add({ channel: "C1", timestamp: parentTs, name: "white_check_mark" });
    expect(
      await errorOf(client.reactions.add({ channel: "C1", timestamp: parentTs, name: "white_check_mark" })),
    ).toBe("already_reacted");
    const permalink = await client.chat.getPermalink({ channel: "C1", message_ts: reply.ts ?? "" });
    expect(permalink.permalink).toContain(`thread_ts=${parentTs}`);
    expect(fake.topLevelMessages("C1")).toHaveLength(1);
  });

  it("looks users up and refuses ephemerals to non-members", async () => {
    const user = await client.users.info({ user: "U1" });
    expect(user.user).toMatchObject({
      id: "U1",
      real_name: "Alice Agent",
      profile: { display_name: "alice" },
    });
    expect(await errorOf(client.users.info({ user: "U404" }))).toBe("user_not_found");
    await client.chat.postEphemeral({ channel: "C1", user: "U1", text: "only you" });
    expect(fake.ephemerals).toMatchObject([{ channel: "C1", user: "U1", text: "only you" }]);
    expect(await errorOf(client.chat.postEphemeral({ channel: "C1", user: "U9", text: "x" }))).toBe(
      "user_not_in_channel",
    );
  });

  it("injects HTTP errors, platform errors, 429s and outages", async () => {
    fake.failNext("chat.postMessage", { status: 503 });
    expect(await errorOf(client.chat.postMessage({ channel: "C1", text: "x" }))).toBe("http_503");
    fake.failNext("chat.postMessage", { error: "fatal_error", times: 2 });
    expect(await errorOf(client.chat.postMessage({ channel: "C1", text: "x" }))).toBe("fatal_error");
    expect(await errorOf(client.chat.postMessage({ channel: "C1", text: "x" }))).toBe("fatal_error");
    await client.chat.postMessage({ channel: "C1", text: "through" });
    // Accepted, then answered with the fault: the post is in the channel all the same.
    fake.failNext("chat.postMessage", { status: 500, accepted: true });
    expect(await errorOf(client.chat.postMessage({ channel: "C1", text: "taken" }))).toBe("http_500");
    expect(fake.topLevelMessages("C1").map((m) => m.text)).toContain("taken");

    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const retrying = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 1 } });
    const started = Date.now();
    await retrying.chat.postMessage({ channel: "C1", text: "after the pause" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.rateLimitedCount).toBe(1);

    fake.setDown(true);
    expect(await errorOf(client.auth.test())).toBe("http_503");
    fake.setDown(false);
    expect((await client.auth.test()).ok).toBe(true);
  });

  it("rate-limits per channel with a token bucket and an integer Retry-After", async () => {
    fake.addChannel({ id: "C2", name: "other", members: [fake.botUserId] });
    fake.rateLimit("chat.postMessage", { perSecond: 1, burst: 2 });
    const strict = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true });
    await strict.chat.postMessage({ channel: "C1", text: "1" });
    await strict.chat.postMessage({ channel: "C1", text: "2" });
    const limited = await strict.chat.postMessage({ channel: "C1", text: "3" }).catch((err: unknown) => err);
    expect(limited).toMatchObject({ code: "slack_webapi_rate_limited_error", retryAfter: 1 });
    await strict.chat.postMessage({ channel: "C2", text: "another channel has its own bucket" });
    expect(fake.rateLimitedCount).toBe(1);
  });
});
