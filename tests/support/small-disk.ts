import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A real file system that can be filled to the last byte and freed again: a tmpfs of its own (needs root). */
export class SmallDisk {
  private constructor(readonly mountPoint: string) {}

  /** A `sizeMb` tmpfs mounted on a new temporary folder. */
  static mount(sizeMb: number): SmallDisk {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-small-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", mountPoint]);
    return new SmallDisk(mountPoint);
  }

  private get filler(): string {
    return path.join(this.mountPoint, "filler");
  }

  /** Writes a file until the disk refuses another byte (ENOSPC). */
  fill(): void {
    const fd = fs.openSync(this.filler, "a");
    try {
      for (const size of [1 << 20, 1 << 12, 1]) {
        const chunk = Buffer.alloc(size, 1);
        try {
          for (;;) fs.writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  free(): void {
    fs.rmSync(this.filler, { force: true });
  }

  unmount(): void {
    execFileSync("umount", [this.mountPoint]);
    fs.rmdirSync(this.mountPoint);
  }
}
