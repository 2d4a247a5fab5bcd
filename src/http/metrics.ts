import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

/** Prometheus scrapes this. Expose it to your monitoring only, not through the public tunnel (see INSTALL). */
export function registerMetrics(server: FastifyInstance, registry: Registry): void {
  server.get("/metrics", async (_request, reply) => {
    const body = await registry.metrics();
    return reply.code(200).type(registry.contentType).send(body);
  });
}
