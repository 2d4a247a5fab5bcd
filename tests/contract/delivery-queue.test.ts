import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlDeliveryQueue } from "../../src/db/delivery-queue/queue.js";
import { MemoryDeliveryQueue } from "../../src/db/memory/delivery-queue.js";
import { SqliteConnection } from "../../src/db/sqlite/connection.js";
import { SqliteOwnerLocks } from "../../src/db/sqlite/owner-locks.js";
import { SqliteSql } from "../../src/db/sqlite/sql.js";
import { waitFor } from "../../src/simulators/wait.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { deliveryQueueContract } from "./delivery-queue.contract.js";

deliveryQueueContract("in memory", async () => {
  const dead = new Set<string>();
  return {
    queue: new MemoryDeliveryQueue(undefined, (owner) => dead.has(owner)),
    startOwner: async (owner) => async () => void dead.add(owner),
    close: async () => {},
  };
});

const ownerLocks = path.resolve(import.meta.dirname, "../../src/db/sqlite/owner-locks.ts");

/** A process holding `owner`'s lock on the database `file`, as a Threadline process does from its start. */
async function ownerProcess(file: string, owner: string): Promise<() => Promise<void>> {
  const code = `import { SqliteOwnerLocks } from ${JSON.stringify(ownerLocks)};
    new SqliteOwnerLocks(${JSON.stringify(file)}).hold(${JSON.stringify(owner)});
    console.log("held");
    setInterval(() => {}, 60_000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitFor(() => output.includes("held"), { timeoutMs: 20_000, message: `${owner} holding its lock` });
  return async () => {
    child.kill("SIGKILL");
    await exited;
  };
}

deliveryQueueContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-queue-"));
  const file = path.join(dir, "queue.db");
  await migratedSqliteFile(file);
  const connection = new SqliteConnection(file);
  connection.open();
  const locks = new SqliteOwnerLocks(file);
  locks.hold("contract");
  const owners: (() => Promise<void>)[] = [];
  return {
    queue: new SqlDeliveryQueue(new SqliteSql(connection), { owners: locks }),
    async startOwner(owner) {
      const end = await ownerProcess(file, owner);
      owners.push(end);
      return end;
    },
    async close() {
      await Promise.all(owners.map((end) => end()));
      locks.release();
      connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
