import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { afterEach, describe, expect, it } from "vitest";
import { classifyTwilioError } from "../../../../src/channels/twilio/errors.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What twilio-node's own HTTP client throws when asking `origin`, with a short timeout. */
async function failureFrom(origin: string): Promise<unknown> {
  const client = new twilio.RequestClient({ timeout: 200, autoRetry: false });
  return client.request({ method: "post", uri: `${origin}/2010-04-01/Accounts/AC1/Messages.json` }).then(
    () => {
      throw new Error("expected the request to fail");
    },
    (error: unknown) => error,
  );
}

describe("classifyTwilioError: may a failed send have gone out?", () => {
  it("no answer in time: transient, outcome unknown", async () => {
    const origin = await serve(() => {});
    const classified = classifyTwilioError(await failureFrom(origin));
    expect(classified).toMatchObject({ transient: true, outcomeUnknown: true, code: "TWILIO_UNAVAILABLE" });
  });

  it("the connection reset after the request was sent: transient, outcome unknown", async () => {
    const origin = await serve((req) => req.socket.destroy());
    const classified = classifyTwilioError(await failureFrom(origin));
    expect(classified).toMatchObject({ transient: true, outcomeUnknown: true });
  });

  it("a refused connection: transient, and surely not sent", async () => {
    const origin = await serve(() => {});
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    const classified = classifyTwilioError(await failureFrom(origin));
    expect(classified).toMatchObject({ transient: true, outcomeUnknown: false });
  });

  it.each([
    [500, true, true],
    [503, true, true],
    [429, true, false],
    [400, false, false],
  ])("HTTP %i: transient %s, outcome unknown %s", (status, transient, unknown) => {
    const classified = classifyTwilioError({ status, code: 20000 + status, message: "x" });
    expect(classified.transient).toBe(transient);
    expect(classified.outcomeUnknown).toBe(unknown);
  });
});
