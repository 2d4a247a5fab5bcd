import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import twilio from "twilio";

/*
 * The limit to compare the webhook receiver with: a bare node:http server that does the least a correct
 * receiver must do (read the form, check X-Twilio-Signature with the same twilio.validateRequest, insert the
 * message row in the same schema with better-sqlite3 in WAL, answer the same TwiML after the commit), and
 * nothing else: no framework, no ORM, no conversation logic, no outbox. Its tables are the project's own,
 * created by running the committed migrations' SQL (it needs nothing of the app's code).
 */
const authToken = process.env.TWILIO_AUTH_TOKEN ?? "";
const publicUrl = process.env.PUBLIC_URL ?? "";
const databaseUrl = process.env.DATABASE_URL ?? "";
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const db = new Database(databaseUrl.replace(/^file:/, ""));
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
for (const name of fs.readdirSync(migrations).sort()) {
  const file = path.join(migrations, name, "migration.sql");
  if (fs.existsSync(file)) db.exec(fs.readFileSync(file, "utf8"));
}
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
// One conversation to hang the rows on (the schema's foreign keys are on, as in the app).
db.exec(`INSERT INTO "Inbox" ("kind","address","createdAt","updatedAt") VALUES ('sms','+15550001111',0,0);
INSERT INTO "Contact" ("kind","address","createdAt","updatedAt") VALUES ('sms','+15557654321',0,0);
INSERT INTO "Conversation" ("inboxId","contactId","createdAt","updatedAt") VALUES (1,1,0,0);`);
const insert = db.prepare(`INSERT INTO "Message"
  ("conversationId","direction","body","attachments","provider","providerMessageId","status","createdAt","updatedAt")
  VALUES (1,'in',?,'[]','sms',?,'received',?,?)`);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const signature = req.headers["x-twilio-signature"];
    if (
      typeof signature !== "string" ||
      !twilio.validateRequest(authToken, signature, publicUrl + req.url, params)
    ) {
      res.writeHead(403).end();
      return;
    }
    const at = new Date().toISOString().replace("Z", "+00:00");
    insert.run(params.Body ?? "", params.MessageSid ?? "", at, at);
    res.writeHead(200, { "content-type": "text/xml" }).end(emptyTwiml);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.send?.({
    type: "ready",
    port: (server.address() as AddressInfo).port,
  });
});

process.on("message", (message: { type: string }) => {
  if (message.type === "stop") {
    server.close();
    db.close();
    process.exit(0);
  }
});
