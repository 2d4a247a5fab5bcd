import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { Harness, waitFor } from "./harness.js";

const site = "https://shop.example";

let cluster: PostgresCluster;
let databases = 0;
let harness: Harness;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

beforeEach(async () => {
  const databaseUrl = await cluster.createDatabase(`webchat_${++databases}`);
  harness = await Harness.start({ environment: { DATABASE_URL: databaseUrl, WEBCHAT_ORIGINS: site } });
});

afterEach(async () => {
  await harness.stop();
});

const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${harness.baseUrl}/webchat/acme-store/${path}`, {
    method: init.method ?? "GET",
    headers: {
      origin: site,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });

describe("web chat on PostgreSQL", () => {
  it("carries a visitor's conversation both ways and reads it back after a restart", async () => {
    expect(await harness.command("connect webchat Acme Store")).toContain("Connected Web chat acme-store");
    const { token } = (await (await call("visitors", { method: "POST", body: {} })).json()) as {
      token: string;
    };
    const sent = await call("messages", {
      method: "POST",
      token,
      body: { clientId: "first-message", text: "Hello" },
    });
    expect(sent.status).toBe(202);
    const parent = await harness.waitForParent();
    await harness.reply(parent.ts, "Hi, how can we help?");
    const history = async () =>
      ((await (await call("messages", { token })).json()) as { messages: { from: string; text: string }[] })
        .messages;
    await waitFor(async () => (await history()).length === 2);

    await harness.restart();
    expect((await history()).map(({ from, text }) => ({ from, text }))).toEqual([
      { from: "visitor", text: "Hello" },
      { from: "team", text: "Hi, how can we help?" },
    ]);
    // The same message sent again (its answer was lost) is recognised, not recorded twice.
    await call("messages", { method: "POST", token, body: { clientId: "first-message", text: "Hello" } });
    await harness.idle();
    expect(await history()).toHaveLength(2);
  });
});
