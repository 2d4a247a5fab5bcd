import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PaceSlots } from "../src/core/ports/pacing.js";
import type { AppDatabase } from "../src/db/database.js";
import { createDatabase } from "../src/db/open.js";
import { startPostgres } from "../tests/support/postgres.js";
import { printCostPerCall } from "./cost-per-call.js";

/*
 * npx tsx bench/pacing.ts [--postgres] — what one pace reservation (the statement before every Slack post)
 * costs through the app's database: alone, and 16 at once as a busy worker asks. SQLite, and with --postgres
 * also a throwaway PostgreSQL cluster. Not part of `npm run bench`, which measures from outside.
 */
const slots: PaceSlots = { intervalMs: 1_000, burst: 3, spreadMs: 40 };
const channels = 500;
const quiet = { info: () => {} };

async function measure(name: string, database: AppDatabase): Promise<void> {
  await database.open(quiet);
  let sequence = 0;
  const reserve = () => database.pacing.reserve(`C${sequence++ % channels}`, Date.now(), slots, 1e12);
  for (let i = 0; i < 2_000; i++) await reserve();
  for (const group of [1, 16]) {
    const label = `${name}, ${group === 1 ? "alone" : `${group} at once`}`;
    await printCostPerCall(label, "reservation", { count: 6_000, group }, reserve);
  }
  await database.close();
}

const options = { instance: "bench", lanesOf: () => [], onError: (error: Error) => console.error(error) };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-pacing-bench-"));
await measure("SQLite", createDatabase(`file:${path.join(dir, "bench.db")}`, options));
fs.rmSync(dir, { recursive: true, force: true });
if (process.argv.includes("--postgres")) {
  const cluster = await startPostgres({ crashSafe: true });
  try {
    await measure("PostgreSQL", createDatabase(await cluster.createDatabase("pacing_bench"), options));
  } finally {
    await cluster.stop();
  }
}
