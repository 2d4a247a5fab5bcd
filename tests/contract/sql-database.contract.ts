import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dateFrom } from "../../src/db/rows.js";
import type { SqlDatabase } from "../../src/db/sql/database.js";
import type { PreparedStatement } from "../../src/db/sql/statement.js";
import { statement } from "../../src/db/sql/statement.js";
import { all, first } from "../../src/db/sql/transaction.js";

export interface SqlDatabaseUnderTest {
  /** Handles on one database, each as a separate instance would hold it (its own connection or pool). */
  readonly instances: readonly SqlDatabase[];
  close(): Promise<void>;
}

type Pace = { nextAt: number | string; granted: boolean | number };

const setPace = statement<{ key: string; nextAt: number; granted: boolean }, never>(
  "test_set_pace",
  ({ db, integer }, p) =>
    db
      .insertInto("ChannelPace")
      .values({ channelId: p.key, nextAt: integer(p.nextAt), slotAt: sql.lit(0), granted: p.granted })
      .onConflict((conflict) =>
        conflict.column("channelId").doUpdateSet({ nextAt: integer(p.nextAt), granted: p.granted }),
      ),
);
const insertPace = statement<{ key: string }, never>("test_insert_pace", ({ db }, p) =>
  db.insertInto("ChannelPace").values({ channelId: p.key, nextAt: 0, slotAt: 0, granted: sql.lit(false) }),
);
const pace = statement<{ key: string }, Pace>("test_pace", ({ db, locked }, p) =>
  locked(db.selectFrom("ChannelPace").select(["nextAt", "granted"]).where("channelId", "=", p.key)),
);
const addInbox = statement<{ address: string; connectedAt: Date }, { connectedAt: unknown }>(
  "test_add_inbox",
  ({ db }, p) =>
    db
      .insertInto("Inbox")
      .values({ kind: "sms", address: p.address, connectedAt: p.connectedAt, updatedAt: p.connectedAt })
      .returning("connectedAt"),
);

const addJob = statement<{ lane: string; payload: string; now: Date }, never>("test_add_job", ({ db }, p) =>
  db.insertInto("DeliveryJob").values({ lane: p.lane, kind: "test", payload: p.payload, updatedAt: p.now }),
);
interface JobsMatching {
  lanes: readonly string[];
  ids: readonly number[];
  prefix: string;
  prefixEnd: string;
}
const jobsMatching = statement<JobsMatching, { lane: string }>(
  "test_jobs_matching",
  ({ db, oneOf, jsonInteger, startsWith, unindexed }, p) =>
    db
      .selectFrom("DeliveryJob")
      .select("lane")
      .where((eb) =>
        eb.or([
          oneOf(sql.ref("lane"), p.lanes, "text"),
          oneOf(jsonInteger(sql.ref("payload"), "conversationId"), p.ids, "integer"),
          startsWith(sql.ref("lane"), p.prefix, p.prefixEnd),
        ]),
      )
      .where(unindexed(sql.ref<string>("state")), "=", "pending")
      .orderBy("lane"),
);

/** What the database a port is written once over must do; run on SQLite and on PostgreSQL with 2 handles. */
export function sqlDatabaseContract(name: string, open: () => Promise<SqlDatabaseUnderTest>): void {
  describe(`SqlDatabase contract: ${name}`, () => {
    let subject: SqlDatabaseUnderTest;
    let statements: {
      setPace: PreparedStatement<{ key: string; nextAt: number; granted: boolean }, never>;
      insertPace: PreparedStatement<{ key: string }, never>;
      pace: PreparedStatement<{ key: string }, Pace>;
    }[];

    beforeEach(async () => {
      subject = await open();
      statements = subject.instances.map((database) => ({
        setPace: database.prepare(setPace),
        insertPace: database.prepare(insertPace),
        pace: database.prepare(pace),
      }));
    });

    afterEach(async () => {
      await subject.close();
    });

    const [a, b] = [0, 1];
    const nextAtOf = async (instance: number, key: string) => {
      const rows = await statements[instance]?.pace.read({ key });
      return rows?.[0] === undefined ? undefined : Number(rows[0].nextAt);
    };

    it("a transaction sees its own writes, and the other instances see them once it has answered", async () => {
      const { setPace: set, pace: read } = statements[a] as (typeof statements)[number];
      const seen = await (subject.instances[a] as SqlDatabase).transaction(function* () {
        yield* all(set, { key: "C1", nextAt: 5, granted: true });
        return yield* first(read, { key: "C1" });
      });
      expect(Number(seen?.nextAt)).toBe(5);
      expect(await nextAtOf(b, "C1")).toBe(5);
    });

    it("keeps nothing of a transaction whose body or statement throws, and hands the error on", async () => {
      const { setPace: set, insertPace: insert } = statements[a] as (typeof statements)[number];
      const database = subject.instances[a] as SqlDatabase;
      await expect(
        database.transaction(function* () {
          yield* all(set, { key: "C1", nextAt: 5, granted: true });
          throw new Error("decided against it");
        }),
      ).rejects.toThrow("decided against it");
      await database.transaction(() => all(insert, { key: "C2" }));
      await expect(
        database.transaction(function* () {
          yield* all(set, { key: "C3", nextAt: 5, granted: true });
          yield* all(insert, { key: "C2" });
        }),
      ).rejects.toThrow(/unique|duplicate/i);
      expect([await nextAtOf(b, "C1"), await nextAtOf(b, "C2"), await nextAtOf(b, "C3")]).toEqual([
        undefined,
        0,
        undefined,
      ]);
    });

    it("racing read-then-write transactions on every instance lose no update: the rows read are locked", async () => {
      await statements[a]?.insertPace.commitNow({ key: "C1" });
      const bumps = 24;
      const results = await Promise.all(
        Array.from({ length: bumps }, (_, i) => {
          const instance = i % subject.instances.length;
          const { setPace: set, pace: read } = statements[instance] as (typeof statements)[number];
          return (subject.instances[instance] as SqlDatabase).transaction(function* () {
            const row = yield* first(read, { key: "C1" });
            const next = Number(row?.nextAt) + 1;
            yield* all(set, { key: "C1", nextAt: next, granted: true });
            return next;
          });
        }),
      );
      expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: bumps }, (_, i) => i + 1));
      expect(await nextAtOf(b, "C1")).toBe(bumps);
    });

    it("reads list parameters, integers in JSON payloads and text prefixes the same way", async () => {
      const database = subject.instances[a] as SqlDatabase;
      const add = database.prepare(addJob);
      const now = new Date();
      for (const [lane, payload] of [
        ["slack:1", `{"conversationId":1}`],
        ["slack:2", `{"conversationId":2}`],
        ["reminder:U1:3", `{"conversationId":3}`],
        ["reminder:U10:4", `{"conversationId":4}`],
        ["channel:C1", `{"channelId":"C1"}`],
      ]) {
        await add.commitNow({ lane: lane as string, payload: payload as string, now });
      }
      const matching = database.prepare(jobsMatching);
      const lanes = async (values: JobsMatching) => (await matching.read(values)).map((row) => row.lane);
      const none = { lanes: [], ids: [], prefix: "none:", prefixEnd: "none;" };
      expect(await lanes(none)).toEqual([]);
      expect(await lanes({ ...none, lanes: ["channel:C1", "slack:9"] })).toEqual(["channel:C1"]);
      expect(await lanes({ ...none, ids: [2, 4] })).toEqual(["reminder:U10:4", "slack:2"]);
      // "reminder:U1:" is not a prefix of "reminder:U10:4".
      expect(await lanes({ ...none, prefix: "reminder:U1:", prefixEnd: "reminder:U1;" })).toEqual([
        "reminder:U1:3",
      ]);
    });

    it("binds dates and booleans as the database keeps them", async () => {
      const connectedAt = new Date("2026-12-07T08:30:00.123Z");
      const [inbox] = await (subject.instances[a] as SqlDatabase)
        .prepare(addInbox)
        .commitNow({ address: "+15550001111", connectedAt });
      expect(dateFrom(inbox?.connectedAt)).toEqual(connectedAt);
      await statements[a]?.setPace.commitNow({ key: "C1", nextAt: 1, granted: true });
      const [row] = (await statements[b]?.pace.read({ key: "C1" })) ?? [];
      expect(Boolean(row?.granted)).toBe(true);
    });
  });
}
