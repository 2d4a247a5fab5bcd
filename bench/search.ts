import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createDatabase } from "../src/db/open.js";
import { seedSearchInboxes } from "../tests/support/search-seed.js";

/*
 * npx tsx bench/search.ts — what `/threadline find` costs on SQLite in a small inbox beside a large one: the
 * same words over 6 messages and over 30,000. SQLite answers synchronously, so a search that read every
 * inbox's hits would block the process; scoped by inbox in the index, the small inbox's search costs what it
 * holds. Not part of `npm run bench`, which measures from outside.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-search-bench-"));
const file = path.join(dir, "bench.db");
const database = createDatabase(`file:${file}`, {
  instance: "bench",
  lanesOf: () => [],
  onError: (error: Error) => console.error(error),
});
await database.open({ info: () => {} });
const sql = new Database(file);
const { small, large } = seedSearchInboxes(sql);
sql.close();
/** The fastest of several runs, in ms: the least disturbed by whatever else the machine does. */
async function fastest(run: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

for (const words of ["refund", "tracking", "refund delivered"]) {
  const smallMs = await fastest(() => database.store.findConversations([small], words, 10));
  const largeMs = await fastest(() => database.store.findConversations([large], words, 10));
  console.log(`find "${words}": ${smallMs.toFixed(2)} ms in 6 messages, ${largeMs.toFixed(2)} ms in 30,000`);
}
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
