import type { FastifyInstance } from "fastify";

export interface HealthChecks {
  database(): Promise<void>;
  slackConnected(): boolean;
}

/** 200 only when the database answers and the Socket Mode connection is up; otherwise 503 with reasons. */
export function registerHealth(server: FastifyInstance, checks: HealthChecks): void {
  server.get("/healthz", async (_request, reply) => {
    const problems: string[] = [];
    try {
      await checks.database();
    } catch {
      problems.push("database unreachable");
    }
    if (!checks.slackConnected()) problems.push("Slack Socket Mode not connected");
    return problems.length === 0
      ? reply.code(200).send({ status: "ok" })
      : reply.code(503).send({ status: "unavailable", reasons: problems });
  });
}
