import { afterAll, beforeAll, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { buildIfStale, expectOnePlainLine, runMain } from "./start-failure-process.js";

let slack: SlackSimulator;
let cluster: PostgresCluster;

beforeAll(async () => {
  buildIfStale();
  [slack, cluster] = await Promise.all([SlackSimulator.start(), startPostgres()]);
});

afterAll(async () => {
  await Promise.all([slack?.stop(), cluster?.stop()]);
});

it("npm start says a PostgreSQL database does not exist and how to create it, not that a migration failed", async () => {
  const line = expectOnePlainLine(
    await runMain({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      PUBLIC_URL: "https://threadline.invalid",
      DATABASE_URL: cluster.url("no_such_database"),
      PORT: "0",
      METRICS_PORT: "0",
    }),
  );
  expect(line).toContain('database "no_such_database" does not exist');
  expect(line).toContain("Create the database (createdb <name>) or correct its name in DATABASE_URL");
});
