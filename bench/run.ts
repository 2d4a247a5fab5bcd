import { endToEnd } from "./end-to-end.js";
import { type BenchOptions, log, machine, Report } from "./harness.js";
import { ingest } from "./ingest.js";
import { queueClaim } from "./queue-claim.js";
import { rateLimited } from "./rate-limited.js";
import { scale } from "./scale.js";

/*
 * npm run bench [-- --quick] [-- ingest end-to-end rate-limited queue-claim scale]
 * Runs the benchmarks (all, or the ones named) against the real app wired to the local fakes, and prints
 * one table. Benchmarks are not tests: nothing here fails the build when a target is missed.
 */
const benchmarks: Record<string, (report: Report, options: BenchOptions) => Promise<void>> = {
  ingest,
  "end-to-end": endToEnd,
  "rate-limited": rateLimited,
  "queue-claim": queueClaim,
  scale,
};

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const named = args.filter((arg) => !arg.startsWith("--"));
for (const name of named) {
  if (!(name in benchmarks))
    throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(", ")}`);
}
process.env.LOG_LEVEL = "warn";

const report = new Report();
const began = performance.now();
log(`Threadline benchmarks${quick ? " (--quick)" : ""} on ${machine()}`);
for (const [name, run] of Object.entries(benchmarks)) {
  if (named.length > 0 && !named.includes(name)) continue;
  log(`\n▶ ${name}`);
  const started = performance.now();
  await run(report, { quick });
  log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.stdout.write(
  `\n${report.table()}\n\n${machine()}; ${((performance.now() - began) / 1000).toFixed(0)} s in all\n`,
);
