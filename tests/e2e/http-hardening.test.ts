import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { AppOverrides } from "../../src/app.js";
import { Harness } from "./harness.js";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(http: AppOverrides["http"] = {}): Promise<Harness> {
  harness = await Harness.start({ overrides: { http } });
  return harness;
}

interface SlowClient {
  /** Bytes of the request written before the server closed the connection. */
  readonly sent: number;
  readonly total: number;
  /** Everything the server answered. */
  readonly answer: string;
}

/**
 * A client that sends a webhook request a byte at a time, as a slow-body attack does, until the server
 * closes the connection or the request is complete.
 */
function trickle(port: number, request: string, everyMs = 40): Promise<SlowClient> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let sent = 0;
    let answer = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ sent, total: request.length, answer });
    });
    socket.on("connect", () => {
      timer = setInterval(() => {
        if (sent === request.length) return;
        socket.write(request[sent] as string);
        sent += 1;
      }, everyMs);
    });
  });
}

const body = "From=%2B15557654321&To=%2B15550001111&Body=".padEnd(200, "x");
const webhookRequest = (headers = "") =>
  `POST /webhooks/twilio HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`;

describe("the public webhook port", () => {
  it("answers 404 for /metrics, which is served on the metrics port only", async () => {
    const { baseUrl, metricsUrl, app } = await start();
    expect(app.metricsPort).not.toBe(app.httpPort);
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
    const scrape = await fetch(metricsUrl);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain("threadline_messages_total");
    expect((await fetch(metricsUrl.replace("/metrics", "/healthz"))).status).toBe(404);
  });

  it("cuts off a client that sends its body too slowly, with 408", async () => {
    const { app } = await start({ requestTimeoutMs: 300, headersTimeoutMs: 300, timeoutCheckIntervalMs: 20 });
    const client = await trickle(app.httpPort, webhookRequest());
    expect(client.sent).toBeLessThan(client.total);
    expect(client.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("cuts off a client that sends its headers too slowly", async () => {
    const { app } = await start({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 300,
      timeoutCheckIntervalMs: 20,
    });
    const request = webhookRequest(`X-Padding: ${"p".repeat(400)}\r\n`);
    const client = await trickle(app.httpPort, request);
    expect(client.sent).toBeLessThan(request.indexOf("\r\n\r\n"));
    expect(client.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("still serves a webhook sent at once under the same timeouts", async () => {
    const started = await start({ requestTimeoutMs: 300, headersTimeoutMs: 300, timeoutCheckIntervalMs: 20 });
    await started.connectInbox();
    const answer = await started.sms("Hello");
    expect(answer.status).toBe(200);
  });

  it("stops within its deadline while a client hangs in the middle of a request", async () => {
    const { app, logs } = await start({
      requestTimeoutMs: 600_000,
      headersTimeoutMs: 600_000,
      shutdownGraceMs: 100,
    });
    const socket = net.connect(app.httpPort, "127.0.0.1");
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
    // The headers, asking leave to send the body: the server's "100 Continue" says it is handling the request.
    const request = webhookRequest("Expect: 100-continue\r\n");
    const bodyStart = request.indexOf("\r\n\r\n") + 4;
    const continued = new Promise((resolve) => socket.once("data", resolve));
    socket.write(request.slice(0, bodyStart));
    await continued;
    // Half the body, then nothing: the request never completes on its own.
    socket.write(request.slice(bodyStart, request.length - body.length / 2));

    await app.stop();
    await closed;
    expect(logs.find("connections still open at the shutdown deadline: closing them")).toBeDefined();
  });
});
