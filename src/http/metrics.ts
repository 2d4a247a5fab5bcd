import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../logger.js";

/**
 * Prometheus scrapes `GET /metrics` here: a listener of its own (METRICS_HOST:METRICS_PORT, loopback by
 * default), so the tunnel that exposes the webhook port never exposes the metrics. Anything else is 404.
 */
export function createMetricsServer(registry: Registry, logger: Logger): Server {
  const log = logger.child({ component: "metrics" });
  return createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": registry.contentType }).end(body),
      (error: unknown) => {
        log.error({ err: error }, "metrics could not be collected");
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics unavailable\n");
      },
    );
  });
}

/** Listens on host:port and resolves with the bound port (useful with port 0). */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the listener and every connection to it (a scrape is never worth waiting for at shutdown). */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
