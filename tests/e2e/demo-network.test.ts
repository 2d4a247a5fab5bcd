import http from "node:http";
import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";

/** A request to the demo's page server as a browser would send it, with its own Host and Origin. */
function request(
  demo: Demo,
  input: { path: string; method?: string; host: string; origin?: string; body?: string },
): Promise<{ status: number; body: string }> {
  const { port } = new URL(demo.url);
  return new Promise((resolve, reject) => {
    const sent = http.request(
      {
        host: "127.0.0.1",
        port,
        path: input.path,
        method: input.method ?? "GET",
        headers: {
          host: input.host,
          ...(input.origin && { origin: input.origin }),
          ...(input.body && { "content-type": "application/json" }),
        },
      },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString("utf8");
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    sent.on("error", reject);
    sent.end(input.body);
  });
}

/** Whether a TCP connection to address:port is accepted. */
function connects(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("the demo, from the network", () => {
  let demo: Demo;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it("serves the page only to requests addressed to localhost or 127.0.0.1 at its port", async () => {
    const { port } = new URL(demo.url);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await request(demo, { path: "/", host })).status, host).toBe(200);
    }
    // DNS rebinding: another name that resolves to this machine, or the right name at another port.
    for (const host of [`rebind.example:${port}`, "rebind.example", `localhost:${Number(port) + 1}`]) {
      const answer = await request(demo, { path: "/demo/events", host });
      expect(answer.status, host).toBe(403);
      expect(answer.body).toContain(`Open the demo at http://localhost:${port}/`);
    }
  });

  it("refuses an action posted by another site's page, and does nothing", async () => {
    const { port } = new URL(demo.url);
    const text = JSON.stringify({ customer: "+15557654321", text: "injected", picture: null });
    const foreign = await request(demo, {
      path: "/demo/phone",
      method: "POST",
      host: `localhost:${port}`,
      origin: "http://attacker.example",
      body: text,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('refused a request sent by the page at "http://attacker.example"');

    const ours = await request(demo, {
      path: "/demo/phone",
      method: "POST",
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
      body: JSON.stringify({ customer: "+15557654321", text: "hello", picture: null }),
    });
    expect(ours.status).toBe(200);
  });

  it("runs the app on loopback only, with secrets of its own", async () => {
    const appPort = Number(new URL(demo.appUrl).port);
    expect(await connects("127.0.0.1", appPort)).toBe(true);
    const elsewhere = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === "IPv4")
      .map((address) => address?.address as string);
    for (const address of elsewhere) expect(await connects(address, appPort), address).toBe(false);

    // A "customer" text signed with the simulator's well-known test token is refused.
    const outsider = await TwilioSimulator.start();
    try {
      const answer = await outsider.sendInbound({
        webhookUrl: `${demo.appUrl}/webhooks/twilio`,
        publicUrl: `${demo.url}/webhooks/twilio`,
        from: "+15557654321",
        to: "+15550001111",
        body: "injected",
      });
      expect(answer.status).toBe(403);
    } finally {
      await outsider.stop();
    }
  });
});
