import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/** Tests that start a throwaway PostgreSQL cluster (tests/support/postgres.ts). */
const postgres = [
  "tests/**/*.postgres.test.ts",
  "tests/unit/db/postgres-migrate.test.ts",
  "tests/e2e/postgres.test.ts",
  "tests/e2e/doctor-postgres.test.ts",
  "tests/e2e/multi-instance.test.ts",
  "tests/e2e/shared-pacing.test.ts",
];

/** What every project shares; each lists its own files (`npm test -- --project unit`). */
const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: "forks",
  // A worker keeps the modules it imported for the next file: importing the app again for every file was half
  // the suite's time. Each file stops what it starts (apps, servers, clusters), so nothing leaks between them.
  isolate: false,
} as const;

export default defineConfig({
  test: {
    // Runs once for the whole run, whichever projects run: one migrated SQLite file that tests copy.
    globalSetup: ["tests/support/global-setup.ts"],
    // One file more than there are cores: the tests mostly wait on sockets, child processes, Slack's pace and
    // reconnect delays, so on two cores three files overlap well (141 s against 193 s with two, 133 s with four).
    maxWorkers: availableParallelism() + 1,
    reporters: ["default"],
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "tests/contract/**/*.test.ts", "tests/deploy/**/*.test.ts"],
          exclude: postgres,
        },
      },
      {
        test: {
          ...shared,
          name: "e2e",
          // The fakes' self-tests drive them with real Bolt over WebSockets (reconnect delays included).
          include: ["tests/e2e/**/*.test.ts", "tests/fakes-selftest/**/*.test.ts"],
          exclude: postgres,
        },
      },
      { test: { ...shared, name: "postgres", include: postgres } },
      { test: { ...shared, name: "browser", include: ["tests/browser/**/*.test.ts"] } },
    ],
  },
});
