import { sql } from "kysely";
import type { SqlDatabase } from "../sql/database.js";
import { statement } from "../sql/statement.js";
import { first } from "../sql/transaction.js";
import type { StoreDialect } from "../store/conversation-store.js";
import type { InboundStateStep } from "../store/inbound-state.js";
import type { Row } from "../store/shared.js";

/*
 * The conversation store's steps PostgreSQL takes its own way: several instances write at once, each in
 * transactions of its own.
 */

type Values = { kind: string; providerMessageId: string; inbox: string; contact: string; now: Date };

/**
 * An inbound message's state in one round trip: whether it is already recorded, its inbox, contact and
 * conversation (found or inserted; the conversation locked until the commit, so messages of one conversation
 * are decided one after the other) and the team's settings, each row as JSON.
 */
const inboundState = statement<Values, Row>("store_inbound_state_pg", ({ db }, p) => ({
  compile: () =>
    sql<Row>`WITH "foundInbox" AS (SELECT * FROM "Inbox" WHERE "kind" = ${p.kind} AND "address" = ${p.inbox}),
      "newInbox" AS (INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt")
        SELECT ${p.kind}, ${p.inbox}, ${p.now}, ${p.now} WHERE NOT EXISTS (SELECT 1 FROM "foundInbox")
        ON CONFLICT ("kind", "address") DO NOTHING RETURNING *),
      "inbox" AS (SELECT * FROM "foundInbox" UNION ALL SELECT * FROM "newInbox"),
      "foundContact" AS (SELECT * FROM "Contact" WHERE "kind" = ${p.kind} AND "address" = ${p.contact}),
      "newContact" AS (INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt")
        SELECT ${p.kind}, ${p.contact}, ${p.now}, ${p.now} WHERE NOT EXISTS (SELECT 1 FROM "foundContact")
        ON CONFLICT ("kind", "address") DO NOTHING RETURNING *),
      "contact" AS (SELECT * FROM "foundContact" UNION ALL SELECT * FROM "newContact"),
      "found" AS (SELECT c.* FROM "Conversation" c JOIN "inbox" i ON c."inboxId" = i."id"
        JOIN "contact" ct ON c."contactId" = ct."id" FOR UPDATE OF c),
      "created" AS (INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt")
        SELECT i."id", ct."id", ${p.now}, ${p.now} FROM "inbox" i, "contact" ct
        WHERE NOT EXISTS (SELECT 1 FROM "found")
        ON CONFLICT ("inboxId", "contactId") DO NOTHING RETURNING *)
    SELECT (SELECT "id" FROM "Message" WHERE "provider" = ${p.kind}
        AND "providerMessageId" = ${p.providerMessageId}) AS "duplicate",
      (SELECT to_jsonb(i) FROM "inbox" i) AS "inbox", (SELECT to_jsonb(ct) FROM "contact" ct) AS "contact",
      (SELECT to_jsonb(c) FROM "found" c) AS "found", (SELECT to_jsonb(c) FROM "created" c) AS "created",
      (SELECT to_jsonb(t) FROM "TeamSettings" t JOIN "inbox" i ON t."slackChannelId" = i."slackChannelId")
        AS "team"`.compile(db),
}));

// One start at a time per person (a transaction lock), so two instances can't both take the last one.
const lockStarts = statement<{ userId: string }, never>("store_lock_starts_pg", ({ db }, p) =>
  db.selectNoFrom(sql`pg_advisory_xact_lock(hashtext('start:' || ${p.userId}))`.as("locked")),
);

/** The steps of PostgreSQL for the store. */
export const postgresStoreDialect: StoreDialect = {
  inboundState: (database) => inboundStateInOneStatement(database),
  lockStarts: (database) => {
    const prepared = database.prepare(lockStarts);
    return function* (userId) {
      yield* first(prepared, { userId });
    };
  },
};

/**
 * PostgreSQL's inbound state. When another instance inserts one of its rows at the same moment, ON CONFLICT
 * waits for it to commit and the statement runs again: the new snapshot sees the row.
 */
export function inboundStateInOneStatement(database: SqlDatabase): InboundStateStep {
  const prepared = database.prepare(inboundState);
  return function* (inbound, now) {
    const values = {
      kind: inbound.kind,
      providerMessageId: inbound.providerMessageId,
      inbox: inbound.inboxAddress,
      contact: inbound.contactAddress,
      now,
    };
    for (let attempt = 1; ; attempt++) {
      const state = yield* first(prepared, values);
      const conversation = (state?.found ?? state?.created) as Row | null | undefined;
      if (state && state.duplicate !== null) {
        return {
          duplicate: Number(state.duplicate),
          inbox: {},
          contact: {},
          conversation: {},
          created: false,
          team: null,
        };
      }
      if (state?.inbox && state.contact && conversation) {
        return {
          duplicate: null,
          inbox: state.inbox as Row,
          contact: state.contact as Row,
          conversation,
          created: state.created !== null,
          team: (state.team as Row | null) ?? null,
        };
      }
      if (attempt === 2)
        throw new Error(`the conversation of ${inbound.contactAddress} could be neither found nor created`);
    }
  };
}
