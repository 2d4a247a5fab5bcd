import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { answerCommitted } from "../../../src/http/committed.js";
import { createHttpServer } from "../../../src/http/server.js";

const twiml = { contentType: "text/xml", body: "<Response/>" };

async function answerWhen(failure: "before commit" | "while answering") {
  const server = createHttpServer(pino({ level: "silent" }));
  let failures = 0;
  server.addHook("onSend", async () => {
    if (failure === "while answering" && failures++ === 0) throw new Error("answer could not be built");
  });
  server.post("/webhook", async (request, reply) => {
    if (failure === "before commit") throw new Error("database unavailable");
    return answerCommitted(request, reply, twiml);
  });
  const answer = await server.inject({ method: "POST", url: "/webhook" });
  await server.close();
  return { status: answer.statusCode, type: answer.headers["content-type"], body: answer.body };
}

describe("a webhook's answer", () => {
  it("stays 2xx when building it fails after the message was committed", async () => {
    expect(await answerWhen("while answering")).toEqual({
      status: 200,
      type: "text/xml",
      body: "<Response/>",
    });
  });

  it("is a 5xx when the failure came before any commit", async () => {
    expect((await answerWhen("before commit")).status).toBe(500);
  });
});
