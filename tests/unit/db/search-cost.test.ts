import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSearchInboxes } from "../../support/search-seed.js";
import { type TestDatabase, testDatabase } from "../core/harness.js";

// /threadline find searches one channel's inboxes, beside a large inbox whose hits must not show. What the search
// costs in each (it must follow what the channel holds) is measured by bench/search.ts, not asserted here.

let db: TestDatabase;
let small: number;
let large: number;

beforeAll(async () => {
  db = await testDatabase();
  ({ small, large } = seedSearchInboxes(db.connection.db));
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe("find on SQLite", () => {
  it("shows only the given inboxes' conversations, however many the other inboxes hold", async () => {
    const inSmall = await db.store.findConversations([small], "refund", 10);
    expect(inSmall.map((match) => match.context.inbox.id)).toEqual([small, small, small]);
    expect((await db.store.findConversations([large], "refund", 10)).length).toBe(10);
  });
});
