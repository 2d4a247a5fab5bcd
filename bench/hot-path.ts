import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { customerLane, slackLane } from "../src/core/lane-names.js";
import type { InboundMessage } from "../src/core/model.js";
import { SqlDeliveryQueue } from "../src/db/delivery-queue/queue.js";
import { migrateDatabase, sqliteFilePath } from "../src/db/migrate.js";
import { SqliteConnection } from "../src/db/sqlite/connection.js";
import { SqliteSql } from "../src/db/sqlite/sql.js";
import { SqlConversationStore } from "../src/db/store/conversation-store.js";
import { printCostPerCall } from "./cost-per-call.js";

/*
 * npx tsx bench/hot-path.ts — the CPU one inbound message costs in the store alone: find or create the inbox,
 * contact and conversation, record the message and its outbox job, committed; alone, and in groups as the group
 * commit gathers webhooks that arrive together. Not part of `npm run bench`, which measures from outside.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-hot-path-"));
const url = `file:${path.join(dir, "bench.db")}`;
await migrateDatabase(url);
const connection = new SqliteConnection(sqliteFilePath(url));
connection.open();
const sql = new SqliteSql(connection);
const store = new SqlConversationStore(sql, new SqlDeliveryQueue(sql), (id) => [
  slackLane(id),
  customerLane(id),
]);

let sequence = 0;
const message = (): InboundMessage => ({
  kind: "sms",
  inboxAddress: "+15550001111",
  contactAddress: `+1555${String(sequence % 500).padStart(7, "0")}`,
  providerMessageId: `SM${++sequence}`,
  text: "hello there",
  attachments: [],
  receivedAt: new Date(),
});
const record = () =>
  store.recordInbound(message(), () => ({
    conversation: { lastInboundAt: new Date() },
    jobs: ({ conversationId, messageId }) => [
      { lane: slackLane(conversationId), kind: "slack.postInbound", payload: { messageId } },
    ],
  }));

for (let i = 0; i < 2_000; i++) await record();
for (const group of [1, 16, 64]) {
  await printCostPerCall(`groups of ${group}`, "message", { count: 6_000, group }, record);
}
connection.close();
fs.rmSync(dir, { recursive: true, force: true });
