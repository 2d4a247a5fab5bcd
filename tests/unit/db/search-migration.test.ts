import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/db/migrate.js";
import { sqliteSearchTerms } from "../../../src/db/sqlite/sql.js";

const migrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const migration = "20261207080000_message_search_by_inbox";
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The migrations folder as it was before `migration`. */
function migrationsBefore(name: string): string {
  const dir = temporaryDir("threadline-migrations-");
  for (const entry of fs.readdirSync(migrationsDir)) {
    if (entry >= name) continue;
    fs.cpSync(path.join(migrationsDir, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe(`migration ${migration}`, () => {
  it("indexes the messages recorded before it under their inbox, and keeps the index current after", async () => {
    const file = path.join(temporaryDir("threadline-db-"), "threadline.db");
    await migrateDatabase(`file:${file}`, { migrationsDir: migrationsBefore(migration) });
    const before = new Database(file);
    before.exec(`
      INSERT INTO "Inbox" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15550001111', 'x'), (2, 'sms', '+15550002222', 'x');
      INSERT INTO "Contact" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15557654321', 'x');
      INSERT INTO "Conversation" ("id", "inboxId", "contactId", "updatedAt") VALUES (1, 1, 1, 'x'), (2, 2, 1, 'x');
      INSERT INTO "Message" ("id", "conversationId", "direction", "body", "provider", "status", "updatedAt") VALUES
        (1, 1, 'in', 'Where is my refund?', 'sms', 'received', 'x'),
        (2, 2, 'in', 'refund please', 'sms', 'received', 'x');
    `);
    before.close();

    await migrateDatabase(`file:${file}`);

    const after = new Database(file);
    const search = (text: string, inboxes: number[]) =>
      after
        .prepare(`SELECT "rowid" AS "id" FROM "MessageSearch" WHERE "MessageSearch" MATCH ? ORDER BY "rowid"`)
        .all(sqliteSearchTerms(text, inboxes)?.match);
    expect(search("refund", [1])).toEqual([{ id: 1 }]);
    expect(search("refund", [2])).toEqual([{ id: 2 }]);
    expect(search("refund", [1, 2])).toEqual([{ id: 1 }, { id: 2 }]);
    // The inbox token is not a word of the message.
    expect(search("inbox1", [1])).toEqual([]);

    after.exec(`UPDATE "Message" SET "body" = 'parcel arrived' WHERE "id" = 1`);
    expect(search("refund", [1])).toEqual([]);
    expect(search("parcel", [1])).toEqual([{ id: 1 }]);
    after.exec(`DELETE FROM "Message" WHERE "id" = 1`);
    expect(search("parcel", [1])).toEqual([]);
    after.close();
  });
});
