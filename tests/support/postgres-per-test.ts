import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type PostgresCluster, startPostgres } from "./postgres.js";

/**
 * A throwaway cluster for this test file (started before its tests, stopped after them), and `pools(count)`:
 * a freshly migrated database per call, reached through `count` pools as that many instances would.
 */
export function pgPoolsPerTest(prefix: string): (count: number) => Promise<{
  pools: pg.Pool[];
  close(): Promise<void>;
}> {
  let cluster: PostgresCluster | undefined;
  let databases = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return async (count) => {
    if (!cluster)
      throw new Error("the PostgreSQL cluster is not started: call pgPoolsPerTest at the top level");
    const url = await cluster.migratedDatabase(`${prefix}_${++databases}`);
    const pools = Array.from({ length: count }, () => new pg.Pool({ connectionString: url, max: 8 }));
    return {
      pools,
      async close() {
        await Promise.all(pools.map((pool) => pool.end()));
      },
    };
  };
}
