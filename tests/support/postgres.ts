import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrateDatabase } from "../../src/db/migrate.js";

const run = promisify(execFile);

/** Where Debian's postgresql package puts the server; PG_BIN overrides it. */
export const postgresBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PostgresCluster {
  /** A `postgresql://` URL to `database` on this cluster. */
  url(database: string): string;
  /** Creates a database, empty or as a copy of `template` (much faster than migrating again), and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** A new database with every migration applied (copied from one migrated once per cluster). */
  migratedDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster in a temporary folder on a free loopback port: one per test file (vitest runs
 * files in parallel), databases per test. The server refuses to run as root, so as root it runs as `postgres`.
 * Durability is off (fsync, synchronous commit): the data is thrown away anyway, and it keeps start-up short.
 * `crashSafe` (the benchmarks) keeps fsync and full-page writes, like SQLite's WAL with synchronous=NORMAL:
 * a crash may lose the last commits but never corrupts.
 */
export async function startPostgres({ crashSafe = false } = {}): Promise<PostgresCluster> {
  const initdb = path.join(postgresBin, "initdb");
  if (!fs.existsSync(initdb)) {
    throw new Error(
      `PostgreSQL 15 is needed for these tests and ${initdb} does not exist: install it (apt-get install -y postgresql) or set PG_BIN to its bin folder`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    await run("chown", ["postgres:postgres", dir]);
  }
  const as = (command: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(postgresBin, command), ...args])
      : run(path.join(postgresBin, command), args);
  const data = path.join(dir, "data");
  const port = await freePort();
  try {
    await as("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8", "--locale=C"]);
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c synchronous_commit=off",
      ...(crashSafe ? [] : ["-c fsync=off", "-c full_page_writes=off"]),
    ].join(" ");
    await as("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "start"]);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let migratedTemplate: Promise<string> | undefined;
  const cluster: PostgresCluster = {
    url,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async migratedDatabase(name) {
      migratedTemplate ??= cluster.createDatabase("migrated_template").then(async (templateUrl) => {
        await migrateDatabase(templateUrl);
        return "migrated_template";
      });
      return cluster.createDatabase(name, await migratedTemplate);
    },
    async stop() {
      try {
        await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return cluster;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
