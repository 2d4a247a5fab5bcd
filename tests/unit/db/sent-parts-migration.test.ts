import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/db/migrate.js";

const migrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const migration = "20261126030455_sent_parts_and_opt_out_per_conversation";
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The migrations folder as it was before `migration`. */
function migrationsBefore(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-migrations-"));
  dirs.push(dir);
  for (const entry of fs.readdirSync(migrationsDir)) {
    if (entry >= name) continue;
    fs.cpSync(path.join(migrationsDir, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe(`migration ${migration}`, () => {
  it("moves each contact's opt-out to its conversations and keeps sent replies' ids as their first part", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-db-"));
    dirs.push(dir);
    const file = path.join(dir, "threadline.db");
    await migrateDatabase(`file:${file}`, { migrationsDir: migrationsBefore(migration) });

    const before = new Database(file);
    before.exec(`
      INSERT INTO "Inbox" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15550001111', 'x'), (2, 'sms', '+15550002222', 'x');
      INSERT INTO "Contact" ("id", "kind", "address", "optedOut", "updatedAt") VALUES (1, 'sms', '+15557654321', true, 'x'), (2, 'sms', '+15557650000', false, 'x');
      INSERT INTO "Conversation" ("id", "inboxId", "contactId", "updatedAt") VALUES (1, 1, 1, 'x'), (2, 2, 1, 'x'), (3, 1, 2, 'x');
      INSERT INTO "Message" ("id", "conversationId", "direction", "body", "provider", "providerMessageId", "status", "updatedAt") VALUES
        (1, 1, 'in', 'STOP', 'sms', 'SMin', 'received', 'x'),
        (2, 3, 'out', 'sent', 'sms', 'SMout', 'delivered', 'x'),
        (3, 3, 'out', 'waiting', 'sms', NULL, 'pending', 'x');
    `);
    before.close();

    await migrateDatabase(`file:${file}`);

    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT "id", "optedOut" FROM "Conversation" ORDER BY "id"`).all()).toEqual([
      { id: 1, optedOut: 1 },
      { id: 2, optedOut: 1 },
      { id: 3, optedOut: 0 },
    ]);
    expect(
      after
        .prepare(`SELECT "messageId", "index", "provider", "providerMessageId", "status" FROM "SentPart"`)
        .all(),
    ).toEqual([{ messageId: 2, index: 0, provider: "sms", providerMessageId: "SMout", status: "delivered" }]);
    expect(after.prepare(`PRAGMA foreign_key_check`).all()).toEqual([]);
    after.close();
  });
});
