import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewJob, QueuedJob } from "../../src/core/ports.js";
import { PgDeliveryQueue } from "../../src/db/postgres/delivery-queue.js";
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
  readonly queue: PgDeliveryQueue;
  readonly heard: QueuedJob[];
  close(): Promise<void>;
}

/** One Threadline instance's queue: its own pool and LISTEN connection on the shared database. */
async function instance(url: string, name: string): Promise<Instance> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const queue = new PgDeliveryQueue(pool, { instance: name, databaseUrl: url });
  await queue.listen();
  const heard: QueuedJob[] = [];
  queue.onAvailable((jobs) => heard.push(...jobs));
  return {
    queue,
    heard,
    async close() {
      await queue.close();
      await pool.end();
    },
  };
}

deliveryQueueContract("PostgreSQL", async () => {
  const { queue, close } = await instance(await cluster.migratedDatabase(`queue_${++databases}`), "contract");
  return { queue, close };
});

const notice = (lane: string, text: string): NewJob => ({
  lane,
  kind: "slack.notice",
  payload: { conversationId: 1, text },
});

async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 400 && !(await condition()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await condition()).toBe(true);
}

describe("PgDeliveryQueue across instances", () => {
  let url: string;
  let instances: Instance[];

  beforeAll(async () => {
    url = await cluster.migratedDatabase("shared");
    instances = await Promise.all(["a", "b", "c"].map((name) => instance(url, name)));
  });

  afterAll(async () => {
    await Promise.all(instances.map((each) => each.close()));
  });

  it("tells every instance of the jobs any instance commits, once each, in id order", async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    for (const each of instances) each.heard.length = 0;
    await a.queue.enqueue([notice("x", "1"), notice("y", "1"), notice("x", "2")]);
    await eventually(() => b.heard.length === 3 && c.heard.length === 3);
    const ids = a.heard.map((job) => job.id);
    expect(ids).toHaveLength(3);
    expect(b.heard.map((job) => job.id)).toEqual(ids);
    expect(c.heard).toEqual(b.heard);
    expect(b.heard.map((job) => [job.lane, job.payload])).toEqual([
      ["x", { conversationId: 1, text: "1" }],
      ["y", { conversationId: 1, text: "1" }],
      ["x", { conversationId: 1, text: "2" }],
    ]);
    // Nothing is heard twice (its own notice is not announced again to the committing instance).
    await b.queue.enqueue([notice("z", "marker")]);
    await eventually(() => a.heard.length === 4);
    expect(a.heard.map((job) => job.id)).toEqual([...ids, b.heard[3]?.id]);
  });

  it("tells every instance of an unparked job", async () => {
    const [a, b] = instances as [Instance, Instance];
    await a.queue.enqueue([notice("parked-lane", "1")]);
    const [queued] = a.heard.slice(-1) as [QueuedJob];
    // Heard before it is parked: a notice of a job that is no longer pending when it arrives is dropped.
    await eventually(() => b.heard.some((heard) => heard.id === queued.id));
    const job = await a.queue.claim(queued.id, "a", Date.now(), Date.now() + 30_000);
    if (!job) throw new Error("not claimed");
    await a.queue.park(job, "a", "no channel");
    b.heard.length = 0;
    await a.queue.unpark(queued.id);
    await eventually(() => b.heard.some((heard) => heard.id === queued.id));
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
      // Jobs committed while nobody listens are found by the worker's sweep; the ones after are heard again.
      await eventually(async () => {
        b.heard.length = 0;
        await a.queue.enqueue([notice("after-cut", "x")]);
        const [sent] = a.heard.slice(-1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return b.heard.some((job) => job.id === sent?.id);
      });
      const listening = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'threadline-listen'",
      );
      expect(listening.rowCount).toBe(3);
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
      const [early] = await a.queue.insert(first, [notice(lane, "first")]);
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
