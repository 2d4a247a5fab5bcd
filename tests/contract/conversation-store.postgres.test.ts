import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { customerLane, slackLane } from "../../src/core/lane-names.js";
import type { InboundMessage } from "../../src/core/model.js";
import { pgDeliveryQueue } from "../../src/db/postgres/queue-dialect.js";
import { PgSql } from "../../src/db/postgres/sql.js";
import { postgresStoreDialect } from "../../src/db/postgres/store-steps.js";
import { SqlSettings } from "../../src/db/queries/settings.js";
import { SqlConversationStore } from "../../src/db/store/conversation-store.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { testPrismaPostgres } from "../support/prisma.js";
import { conversationStoreContract } from "./conversation-store.contract.js";
import { retentionContract } from "./retention.contract.js";
import { sharedRowsContract } from "./shared-rows.contract.js";

let cluster: PostgresCluster;
let databases = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

/** One instance's store: its own pool and queue on a shared database, and a Prisma Client of the test's own. */
function openInstance(url: string, name: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const sql = new PgSql(pool);
  const { queue } = pgDeliveryQueue(sql, { instance: name, databaseUrl: null });
  const prisma = testPrismaPostgres(url);
  const lanesOf = (id: number) => [slackLane(id), customerLane(id)];
  const store = new SqlConversationStore(sql, queue, lanesOf, postgresStoreDialect);
  return {
    store,
    queue,
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPostgres() {
  return openInstance(await cluster.migratedDatabase(`store_${++databases}`), "contract");
}

conversationStoreContract("PostgreSQL", openPostgres);
retentionContract("PostgreSQL", openPostgres);

sharedRowsContract("PostgreSQL", openPostgres);

describe("PostgreSQL: several instances writing at once", () => {
  let url: string;
  let instances: ReturnType<typeof openInstance>[];

  beforeEach(async () => {
    url = await cluster.migratedDatabase(`shared_${++databases}`);
    instances = ["a", "b", "c"].map((name) => openInstance(url, name));
  });

  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
  });

  const message = (providerMessageId: string, inboxAddress = "+15550001111"): InboundMessage => ({
    kind: "sms",
    inboxAddress,
    contactAddress: "+15557654321",
    providerMessageId,
    text: providerMessageId,
    attachments: [],
    receivedAt: new Date(),
  });

  it("creates one inbox, contact and conversation for first messages arriving at every instance at once", async () => {
    const created: boolean[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (instances[index % 3] as (typeof instances)[number]).store.recordInbound(
          message(`SM${index}`),
          (state) => {
            created.push(state.created);
            return { conversation: { lastInboundAt: new Date() }, jobs: () => [] };
          },
        ),
      ),
    );
    const conversationIds = new Set(
      outcomes.map((outcome) => outcome.result === "recorded" && outcome.conversationId),
    );
    expect(outcomes.every((outcome) => outcome.result === "recorded")).toBe(true);
    expect(conversationIds.size).toBe(1);
    expect(created.filter(Boolean)).toHaveLength(1);
    const counts = await instances[0]?.pool.query(
      `SELECT (SELECT COUNT(*) FROM "Inbox")::int AS inboxes, (SELECT COUNT(*) FROM "Contact")::int AS contacts,
        (SELECT COUNT(*) FROM "Conversation")::int AS conversations, (SELECT COUNT(*) FROM "Message")::int AS messages`,
    );
    expect(counts?.rows[0]).toEqual({ inboxes: 1, contacts: 1, conversations: 1, messages: 12 });
  });

  it("takes the conversation another instance is creating at this moment, once that one commits", async () => {
    const [a, b] = instances as [ReturnType<typeof openInstance>, ReturnType<typeof openInstance>];
    await a.store.connectInbox({
      kind: "sms",
      address: "+15550002222",
      to: "C2",
      userId: "U1",
      from: [null],
    });
    await a.store.recordInbound(message("SMfirst"), () => ({ conversation: {}, jobs: () => [] }));
    const inbox = await a.store.findInbox("sms", "+15550002222");
    const { rows } = await a.pool.query(`SELECT "id" FROM "Contact"`);
    const other = await a.pool.connect();
    try {
      await other.query("BEGIN");
      const created = await other.query(
        `INSERT INTO "Conversation" ("inboxId", "contactId", "updatedAt") VALUES ($1, $2, now()) RETURNING "id"`,
        [inbox?.id, rows[0]?.id],
      );
      const states: boolean[] = [];
      const recording = b.store.recordInbound(message("SMsecond", "+15550002222"), (state) => {
        states.push(state.created);
        return { conversation: {}, jobs: () => [] };
      });
      // b waits on the uncommitted row (its insert conflicts with it) rather than creating a second one.
      await expect
        .poll(async () => (await a.pool.query("SELECT 1 FROM pg_locks WHERE NOT granted")).rowCount)
        .toBe(1);
      await other.query("COMMIT");
      expect(await recording).toMatchObject({ result: "recorded", conversationId: created.rows[0]?.id });
      expect(states).toEqual([false]);
    } finally {
      other.release();
    }
  });

  it("agrees on a setting that instances starting at once each create", async () => {
    const values = await Promise.all(
      instances.flatMap((instance, index) =>
        [1, 2].map((attempt) =>
          new SqlSettings(new PgSql(instance.pool)).valueOrCreate(
            "transcript.secret",
            () => `${index}-${attempt}`,
          ),
        ),
      ),
    );
    expect(new Set(values).size).toBe(1);
  });

  it("records a webhook redelivered to several instances at once exactly once, with its jobs once", async () => {
    const outcomes = await Promise.all(
      instances.flatMap((instance) =>
        [1, 2].map(() =>
          instance.store.recordInbound(message("SMredelivered"), () => ({
            conversation: {},
            jobs: ({ conversationId }) => [
              { lane: slackLane(conversationId), kind: "slack.updateParent", payload: { conversationId } },
            ],
          })),
        ),
      ),
    );
    const recorded = outcomes.filter((outcome) => outcome.result === "recorded");
    expect(recorded).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.messageId))).toEqual(new Set([recorded[0]?.messageId]));
    const jobs = await instances[0]?.pool.query(`SELECT COUNT(*)::int AS count FROM "DeliveryJob"`);
    expect(jobs?.rows[0]).toEqual({ count: 1 });
  });

  it("records an agent's reply seen by several instances once", async () => {
    const first = await instances[0]?.store.recordInbound(message("SM1"), () => ({
      conversation: {},
      jobs: () => [],
    }));
    if (first?.result !== "recorded") throw new Error("not recorded");
    const reply = {
      conversationId: first.conversationId,
      provider: "sms" as const,
      channelId: "C1",
      ts: "1700000000.000200",
      userId: "U1",
      text: "hi",
      files: [],
    };
    const ids = await Promise.all(instances.map((instance) => instance.store.recordReply(reply, () => [])));
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
  });

  it("applies reports naming the same messages in different orders at once, without a deadlock", async () => {
    const [a] = instances as [ReturnType<typeof openInstance>];
    const first = await a.store.recordInbound(message("SMin"), () => ({ conversation: {}, jobs: () => [] }));
    if (first.result !== "recorded") throw new Error("not recorded");
    const providerIds = ["SMa", "SMb", "SMc", "SMd"];
    for (const [index, providerMessageId] of providerIds.entries()) {
      const reply = await a.store.recordReply(
        {
          conversationId: first.conversationId,
          provider: "sms",
          channelId: "C1",
          ts: `1700000000.00010${index}`,
          userId: "U1",
          text: "hi",
          files: [],
        },
        () => [],
      );
      await a.store.write({ messages: [[reply as number, { status: "sent", providerMessageId }]] });
    }
    // A watermark's ids in one order on one instance, in the opposite order on another, many times at once.
    const reports = Array.from({ length: 24 }, (_, index) =>
      (instances[index % 3] as (typeof instances)[number]).store.recordReport(
        {
          kind: "sms",
          inboxAddress: "",
          contactAddress: "",
          providerMessageIds: index % 2 === 0 ? providerIds : [...providerIds].reverse(),
          upTo: null,
        },
        (messages) => ({ messages: messages.map((m) => [m.id, { status: "delivered" }] as const) }),
      ),
    );
    const outcomes = await Promise.allSettled(reports);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toEqual([]);
    for (const outcome of outcomes) {
      if (outcome.status === "fulfilled")
        expect(outcome.value.map((m) => m.id)).toEqual(
          [...outcome.value.map((m) => m.id)].sort((x, y) => x - y),
        );
    }
  });

  it("purges the closed conversations no other instance holds, without waiting for the one it holds", async () => {
    const [a, b] = instances as [ReturnType<typeof openInstance>, ReturnType<typeof openInstance>];
    const ids: number[] = [];
    for (const contact of ["+15557650001", "+15557650002", "+15557650003"]) {
      const recorded = await a.store.recordInbound(
        { ...message(`SM${contact}`), contactAddress: contact },
        () => ({
          conversation: {
            status: "closed",
            closedBy: "U1",
            closedAt: new Date(Date.now() - 40 * 86_400_000),
          },
          jobs: () => [],
        }),
      );
      if (recorded.result !== "recorded") throw new Error("not recorded");
      ids.push(recorded.conversationId);
    }
    // Another instance's purge holds the oldest one until it commits.
    const other = await a.pool.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT "id" FROM "Conversation" WHERE "id" = $1 FOR UPDATE`, [ids[0]]);
      let purged: number | undefined;
      const purging = b.store
        .purgeClosedConversations(new Date(Date.now() - 30 * 86_400_000), 10)
        .then((count) => {
          purged = count;
        });
      await expect.poll(() => purged, { timeout: 5_000 }).toBe(2);
      await purging;
    } finally {
      await other.query("COMMIT");
      other.release();
    }
    const left = await a.pool.query(`SELECT "id" FROM "Conversation"`);
    expect(left.rows.map((row) => row.id)).toEqual([ids[0]]);
    expect(await b.store.purgeClosedConversations(new Date(Date.now() - 30 * 86_400_000), 10)).toBe(1);
  });

  it("decides messages of one conversation one after the other, each seeing the change the previous made", async () => {
    await instances[0]?.store.recordInbound(message("SM0"), () => ({ conversation: {}, jobs: () => [] }));
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 9 }, (_, index) =>
        (instances[index % 3] as (typeof instances)[number]).store.recordInbound(
          message(`SM${index + 1}`),
          (state) => {
            seen.push(state.conversation.assigneeId ?? "");
            return {
              conversation: { assigneeId: `${state.conversation.assigneeId ?? ""}x` },
              jobs: () => [],
            };
          },
        ),
      ),
    );
    expect([...seen].sort()).toEqual([
      "",
      "x",
      "xx",
      "xxx",
      "xxxx",
      "xxxxx",
      "xxxxxx",
      "xxxxxxx",
      "xxxxxxxx",
    ]);
  });
});
