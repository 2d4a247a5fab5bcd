import { randomBytes } from "node:crypto";
import os from "node:os";

/** This process's name on the delivery leases it takes: host, pid, and a nonce against pid reuse. */
export function instanceId(): string {
  return `${os.hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`;
}

/**
 * Whether a lease owner is a process of this host that no longer runs: its jobs need not wait for the lease to
 * run out (a restart after a crash picks them up at once). Owners on other hosts are never judged dead here.
 */
export function deadOnThisHost(owner: string): boolean {
  const parts = owner.split("/");
  const pid = Number(parts.at(-2));
  if (parts.slice(0, -2).join("/") !== os.hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
