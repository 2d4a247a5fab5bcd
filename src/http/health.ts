import type { FastifyInstance } from "fastify";

export interface HealthChecks {
  /** Rejects when the database does not answer a read. */
  database(): Promise<void>;
  /** Rejects when a write cannot be committed now (a full disk, a read-only file): webhooks would get 503. */
  databaseWritable(): Promise<void>;
  slackConnected(): boolean;
}

/**
 * 200 only when the database answers, a write can be committed and the Socket Mode connection is up; otherwise
 * 503 with reasons. `onProblem` hears why a database check failed (the answer only says which).
 */
export function registerHealth(
  server: FastifyInstance,
  checks: HealthChecks,
  onProblem: (reason: string, error: unknown) => void = () => {},
): void {
  const writable = shared(() => checks.databaseWritable());
  server.get("/healthz", async (_request, reply) => {
    const problems: string[] = [];
    try {
      await checks.database();
      try {
        await writable();
      } catch (error) {
        problems.push("database cannot commit writes");
        onProblem("database cannot commit writes", error);
      }
    } catch (error) {
      problems.push("database unreachable");
      onProblem("database unreachable", error);
    }
    if (!checks.slackConnected()) problems.push("Slack Socket Mode not connected");
    return problems.length === 0
      ? reply.code(200).send({ status: "ok" })
      : reply.code(503).send({ status: "unavailable", reasons: problems });
  });
}

/** `check`, run once for every caller that asks while it runs: checks that arrive together cost one probe. */
function shared(check: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  };
}
