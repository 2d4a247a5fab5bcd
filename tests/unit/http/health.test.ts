import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { registerHealth } from "../../../src/http/health.js";
import { createHttpServer } from "../../../src/http/server.js";

async function health(checks: Parameters<typeof registerHealth>[1]) {
  const server = createHttpServer(pino({ level: "silent" }));
  registerHealth(server, checks);
  const answer = await server.inject({ method: "GET", url: "/healthz" });
  await server.close();
  return { status: answer.statusCode, body: answer.json() };
}

describe("GET /healthz", () => {
  it("is 200 when the database answers and Socket Mode is connected", async () => {
    expect(
      await health({
        database: async () => {},
        databaseWritable: async () => {},
        slackConnected: () => true,
      }),
    ).toEqual({
      status: 200,
      body: { status: "ok" },
    });
  });

  it("is 503 with every reason otherwise", async () => {
    const answer = await health({
      database: async () => {
        throw new Error("SQLITE_CANTOPEN");
      },
      databaseWritable: async () => {},
      slackConnected: () => false,
    });
    expect(answer).toEqual({
      status: 503,
      body: { status: "unavailable", reasons: ["database unreachable", "Slack Socket Mode not connected"] },
    });
  });

  it("is 503 when the database answers reads but cannot commit a write", async () => {
    const answer = await health({
      database: async () => {},
      databaseWritable: async () => {
        throw new Error("SQLITE_FULL: database or disk is full");
      },
      slackConnected: () => true,
    });
    expect(answer).toEqual({
      status: 503,
      body: { status: "unavailable", reasons: ["database cannot commit writes"] },
    });
  });
});
