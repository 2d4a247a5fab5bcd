import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { Harness } from "./harness.js";

/*
 * The other tests start the app on a copy of a migrated template (tests/support/migrated-sqlite.ts); this one
 * keeps the first start of a real install covered: no database yet.
 */

let harness: Harness | undefined;
let dir: string | undefined;

afterEach(async () => {
  await harness?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("creates and migrates a SQLite database that does not exist yet, then carries a conversation", async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-first-start-"));
  const file = path.join(dir, "data", "threadline.db");
  harness = await Harness.start({ environment: { DATABASE_URL: `file:${file}` } });
  const migrations = fs.readdirSync(path.resolve(import.meta.dirname, "../../prisma/migrations"), {
    withFileTypes: true,
  });
  expect(harness.logs.find("Applied database migrations")).toMatchObject({
    migrations: migrations
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort(),
  });
  await harness.connectInbox();
  await harness.sms("Hello");
  await harness.waitForParent();

  await harness.restart();
  expect(harness.logs.lines.filter((line) => line.msg === "Applied database migrations")).toHaveLength(1);
});
