import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCommand } from "./app-process.js";
import { campaign } from "./campaign.js";
import { endToEnd } from "./end-to-end.js";
import type { GoalId } from "./goals.js";
import { type BenchOptions, log, machine, Report, stopEverything } from "./harness.js";
import { ingest } from "./ingest.js";
import { postgres } from "./postgres.js";
import { rateLimited } from "./rate-limited.js";
import { scale } from "./scale.js";
import { spread } from "./spread.js";

/*
 * npm run bench [-- --quick] [-- --cpu-prof] [-- ingest end-to-end rate-limited spread scale postgres campaign]
 * Runs the benchmarks (all, or the ones named) against the app started as `npm start` starts it, wired to the
 * local fakes, and prints the details and then one line per goal of issue 11. Benchmarks are not tests:
 * nothing here fails the build when a goal is missed; a benchmark that throws is reported and the rest run.
 */
interface Benchmark {
  readonly run: (report: Report, options: BenchOptions) => Promise<void>;
  readonly goals: readonly GoalId[];
}

const benchmarks: Record<string, Benchmark> = {
  ingest: { run: ingest, goals: ["ingestRatio"] },
  "end-to-end": { run: endToEnd, goals: ["inboundP99", "replyP99", "rss"] },
  "rate-limited": { run: rateLimited, goals: ["rateLimited"] },
  spread: { run: spread, goals: ["spreadUnderLimit"] },
  scale: { run: scale, goals: ["startup", "menuCold", "rss"] },
  postgres: { run: postgres, goals: [] },
  campaign: { run: campaign, goals: [] },
};

const args = process.argv.slice(2);
const named = args.filter((arg) => !arg.startsWith("--"));
for (const name of named) {
  if (!(name in benchmarks))
    throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(", ")}`);
}
const options: BenchOptions = {
  quick: args.includes("--quick"),
  ...(args.includes("--cpu-prof") && {
    cpuProfileDir: fs.mkdtempSync(path.join(os.tmpdir(), "threadline-bench-profiles-")),
  }),
};

const report = new Report();
const began = performance.now();
log(`Threadline benchmarks${options.quick ? " (--quick)" : ""} on ${machine()}`);
log(`The app runs as: node ${startCommand().args.join(" ")}`);
if (options.cpuProfileDir) log(`CPU profiles of the app go to ${options.cpuProfileDir}`);
let failures = 0;
for (const [name, benchmark] of Object.entries(benchmarks)) {
  if (named.length > 0 && !named.includes(name)) continue;
  log(`\n▶ ${name}`);
  const started = performance.now();
  try {
    await benchmark.run(report, options);
  } catch (error) {
    failures++;
    const reason = error instanceof Error ? error.message : String(error);
    log(`  ${name} failed: ${error instanceof Error ? error.stack : reason}`);
    report.failed(benchmark.goals, `${name}: ${reason}`);
    await stopEverything();
  }
  log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.stdout.write(
  `\n${report.detailTable()}\n\n${report.goalTable()}\n\n${machine()}; ${((performance.now() - began) / 1000).toFixed(0)} s in all\n`,
);
// Exits rather than waits: a failed benchmark may leave a timer or a keep-alive socket behind.
process.exit(failures > 0 ? 1 : 0);
