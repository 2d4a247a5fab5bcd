import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewJob, QueuedJob } from "../../src/core/ports/queue.js";
import type { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { ownerLockClass, PgOwnerLock } from "../../src/db/postgres/owner-lock.js";
import { pgDeliveryQueue } from "../../src/db/postgres/queue-dialect.js";
import { PgSql, runSteps } from "../../src/db/postgres/sql.js";
import { waitFor } from "../../src/simulators/wait.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { deliveryQueueContract } from "./delivery-queue.contract.js";

let cluster: PostgresCluster;
let databases = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

interface Instance {
  readonly queue: SqlDeliveryQueue;
  readonly heard: QueuedJob[];
  close(): Promise<void>;
}

/** One Threadline instance's queue: its own pool and LISTEN connection on the shared database. */
async function instance(url: string, name: string, deadAfterMs?: number): Promise<Instance> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const jobs = pgDeliveryQueue(new PgSql(pool), { instance: name, databaseUrl: url, deadAfterMs });
  await jobs.listen();
  const queue = jobs.queue;
  const heard: QueuedJob[] = [];
  queue.onAvailable((jobs) => heard.push(...jobs));
  return {
    queue,
    heard,
    async close() {
      await jobs.close();
      await pool.end();
    },
  };
}

deliveryQueueContract("PostgreSQL", async () => {
  const url = await cluster.migratedDatabase(`queue_${++databases}`);
  // The contract's two checks come right after each other; the time guard has its own test below.
  const { queue, close } = await instance(url, "contract", 0);
  const owners: PgOwnerLock[] = [];
  return {
    queue,
    // Another instance's lock; closing its session is what PostgreSQL sees of a process that dies.
    async startOwner(owner) {
      const lock = new PgOwnerLock(url, owner, () => {});
      await lock.hold();
      owners.push(lock);
      return () => lock.close();
    },
    async close() {
      await Promise.all(owners.map((lock) => lock.close()));
      await close();
    },
  };
});

const notice = (lane: string, text: string): NewJob => ({
  lane,
  kind: "slack.notice",
  payload: { conversationId: 1, text },
});

/** Until `condition` holds, for at most 4 s (another instance hears a job through LISTEN/NOTIFY). */
const eventually = (condition: () => boolean | Promise<boolean>) => waitFor(condition, { timeoutMs: 4_000 });

describe("The delivery queue on PostgreSQL across instances", () => {
  let url: string;
  let instances: Instance[];

  beforeAll(async () => {
    url = await cluster.migratedDatabase("shared");
    instances = await Promise.all(["a", "b", "c"].map((name) => instance(url, name)));
  });

  afterAll(async () => {
    await Promise.all(instances.map((each) => each.close()));
  });

  /** Job `queued` leased to `owner` of `instance`, as its worker would take it. */
  async function claimed(instance: Instance, queued: QueuedJob | undefined, owner: string) {
    if (!queued) throw new Error("nothing to claim");
    const job = await instance.queue.claim(queued.id, owner, Date.now(), Date.now() + 30_000);
    if (!job) throw new Error(`job ${queued.id} not claimed`);
    return job;
  }

  it("hands a job to the instance that committed it; the others hear of it only when it waits behind their head", async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    for (const each of instances) each.heard.length = 0;
    await a.queue.enqueue([notice("held", "1")]);
    const [first] = a.heard;
    expect(a.heard.map((job) => job.payload)).toEqual([{ conversationId: 1, text: "1" }]);
    const head = await claimed(a, first, "a");
    // b commits the lane's next job while a holds its head: b's claim gives way and tells the others.
    await b.queue.enqueue([notice("held", "2")]);
    const [second] = b.heard;
    expect(await b.queue.claim(second?.id ?? 0, "b", Date.now(), Date.now() + 30_000)).toBeNull();
    await eventually(() => a.heard.some((job) => job.id === second?.id));
    // Notices arrive in commit order: had a's own job been announced to c, c would have heard it before.
    await eventually(() => c.heard.some((job) => job.id === second?.id));
    expect(c.heard.map((job) => job.id)).toEqual([second?.id]);
    // a settles its head and runs the next job.
    expect(await a.queue.complete(head, "a")).toBe(true);
    expect(await claimed(a, second, "a")).toMatchObject({ id: second?.id, attempts: 1 });
  });

  it("hands the lane's next job to whoever settles its head, wherever it was committed", async () => {
    const [a, b] = instances as [Instance, Instance];
    for (const lane of ["completed", "failed"]) {
      await a.queue.enqueue([notice(lane, "1")]);
      const head = await claimed(a, a.heard.at(-1), "a");
      await b.queue.enqueue([notice(lane, "2")]);
      const next = b.heard.at(-1);
      a.heard.length = 0;
      if (lane === "completed") await a.queue.complete(head, "a");
      else await a.queue.fail(head, "a", "refused");
      // Straight from the settling statement, not from a notice (b has not tried to claim it).
      expect(a.heard.map((job) => job.id)).toEqual([next?.id]);
    }
  });

  it("tells every instance of an unparked job", async () => {
    const [a, b] = instances as [Instance, Instance];
    await a.queue.enqueue([notice("parked-lane", "1")]);
    const job = await claimed(a, a.heard.at(-1), "a");
    await a.queue.park(job, "a", "no channel");
    b.heard.length = 0;
    await a.queue.unpark(job.id);
    await eventually(() => b.heard.some((heard) => heard.id === job.id));
  });

  it("listens again after its connection is cut, and hears later jobs", async () => {
    const [a, b] = instances as [Instance, Instance];
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'threadline-listen'",
      );
      expect(cut.rowCount).toBe(3);
      // Notices sent while nobody listens are lost (the worker's sweep finds their jobs); later ones are heard.
      let attempt = 0;
      await eventually(async () => {
        b.heard.length = 0;
        await a.queue.enqueue([notice(`after-cut-${++attempt}`, "x")]);
        const job = await claimed(a, a.heard.at(-1), "a");
        await a.queue.park(job, "a", "no channel");
        await a.queue.unpark(job.id);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return b.heard.some((heard) => heard.id === job.id);
      });
      const listening = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'threadline-listen'",
      );
      expect(listening.rowCount).toBe(3);
    } finally {
      await admin.end();
    }
  });

  it("does not judge an instance dead while it takes its lock again after its connection dropped", async () => {
    const [a, b] = instances as [Instance, Instance];
    await b.queue.enqueue([notice("relocked", "1")]);
    const job = await claimed(b, b.heard.at(-1), "b");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const lockHolder = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
            AND classid = $1::int::oid AND objid = hashtext($2)::oid`,
          [ownerLockClass, "b"],
        )
      ).rows[0]?.pid;
    try {
      const dropped = await lockHolder();
      expect(dropped).toBeDefined();
      await admin.query("SELECT pg_terminate_backend($1)", [dropped]);
      // a checks again and again while b's lock is free, until b has reopened its connection and locked again.
      let taken = 0;
      let checks = 0;
      await eventually(async () => {
        taken += await a.queue.expireLeasesOfDeadOwners();
        checks += 1;
        const holder = await lockHolder();
        return holder !== undefined && holder !== dropped;
      });
      taken += await a.queue.expireLeasesOfDeadOwners();
      expect(checks).toBeGreaterThan(2);
      expect(taken).toBe(0);
      expect(await a.queue.claim(job.id, "a", Date.now(), Date.now() + 30_000)).toBeNull();
    } finally {
      await admin.end();
    }
  });

  it("leases each job to exactly one of several instances claiming it at once", async () => {
    const [a] = instances as [Instance];
    await a.queue.enqueue(Array.from({ length: 20 }, (_, index) => notice(`race-${index}`, "x")));
    const jobs = a.heard.slice(-20);
    const now = Date.now();
    const claims = await Promise.all(
      jobs.flatMap((job) =>
        instances.map(async (each, index) => ({
          id: job.id,
          won: (await each.queue.claim(job.id, `owner-${index}`, now, now + 30_000)) !== null,
        })),
      ),
    );
    for (const job of jobs) {
      expect(claims.filter((claim) => claim.id === job.id && claim.won)).toHaveLength(1);
    }
  });

  it("holds a second writer of a lane until the first commits, so a lane's ids follow its commit order", async () => {
    const [a, b] = instances as [Instance, Instance];
    const lane = "ordered-lane";
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const first = await pool.connect();
    try {
      await first.query("BEGIN");
      const [early] = await runSteps(first, a.queue.insertJobs([notice(lane, "first")], new Date()));
      let secondDone = false;
      const second = b.queue.enqueue([notice(lane, "second")]).then(() => {
        secondDone = true;
      });
      // The second writer is queued on the lane's lock: PostgreSQL shows its request as not granted.
      await eventually(
        async () =>
          (await pool.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))
            .rowCount === 1,
      );
      expect(secondDone).toBe(false);
      // Had the second writer committed now, its job would be the lane's head while the first is in flight.
      expect((await b.queue.unclaimed(Date.now(), 1_000)).filter((job) => job.lane === lane)).toEqual([]);
      await first.query("COMMIT");
      await second;
      const heads = (await b.queue.unclaimed(Date.now(), 1_000)).filter((job) => job.lane === lane);
      expect(heads.map((job) => job.id)).toEqual([early?.id]);
    } finally {
      first.release();
      await pool.end();
    }
  });
});
