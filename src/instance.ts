import { randomBytes } from "node:crypto";
import os from "node:os";

/**
 * This process's name on the delivery leases it takes, new at every start: host and pid for a person reading the
 * table, and a nonce, as a restarted process may have the same pid (PID 1 in a container). Whether its process
 * still runs is told by a lock it holds in the database, never by the pid (decision 0016).
 */
export function instanceId(): string {
  return `${os.hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`;
}
