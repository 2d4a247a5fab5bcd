import fs from "node:fs";
import Database from "better-sqlite3";
import { createPrismaClient } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { PrismaStore } from "../src/db/store.js";
import { type BenchOptions, ms, percentile, type Report, tempDatabase } from "./harness.js";

/*
 * The delivery worker's claim (PrismaStore.claimableJobs, through Prisma as the app runs it) with a backlog:
 * it runs after every finished job, so its cost is paid once per delivered message. Backlogs happen whenever
 * Slack or a carrier slows down (rate limits, outages) while messages keep arriving.
 */

export async function queueClaim(report: Report, { quick }: BenchOptions): Promise<void> {
  for (const pending of quick ? [2_000] : [2_000, 20_000]) {
    const db = tempDatabase("claim");
    await migrateDatabase(db.url);
    const raw = new Database(db.file);
    const at = new Date().toISOString().replace("Z", "+00:00");
    const insert = raw.prepare(
      `INSERT INTO "DeliveryJob" ("lane","kind","payload","createdAt","updatedAt") VALUES (?,'slack.postInbound','{"messageId":1}',?,?)`,
    );
    // 500 conversations with a queue each.
    raw.transaction(() => {
      for (let i = 0; i < pending; i++) insert.run(`slack:${i % 500}`, at, at);
    })();
    raw.close();
    const prisma = createPrismaClient(db.url);
    const store = new PrismaStore(prisma);
    const busy = new Set(Array.from({ length: 16 }, (_, i) => `slack:${i}`));
    const samples: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const began = performance.now();
      await store.claimableJobs(16, busy, Date.now());
      samples.push(performance.now() - began);
    }
    const measured = samples.slice(100);
    report.add(
      "queue",
      `claim with ${pending.toLocaleString("en")} pending jobs (16 lanes busy)`,
      `p50 ${ms(percentile(measured, 50))}, p99 ${ms(percentile(measured, 99))}`,
      "",
    );
    await prisma.$disconnect();
    fs.rmSync(db.dir, { recursive: true, force: true });
  }
}
