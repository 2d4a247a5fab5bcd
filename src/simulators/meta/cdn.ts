import type { ServerResponse } from "node:http";

export interface StreamProgress {
  sent: number;
  hungUp: boolean;
  finished: boolean;
}

export type CdnFile =
  | { bytes: Buffer; contentType: string }
  | { redirect: string }
  | { stream: { size: number; progress: StreamProgress } };

/** Writes `size` bytes, waiting whenever the client is not reading, and stops if it hangs up. */
export function streamBytes(res: ServerResponse, size: number, progress: StreamProgress): void {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  res.on("close", () => {
    progress.hungUp = !progress.finished;
  });
  const write = () => {
    while (progress.sent < size && !res.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - progress.sent));
      progress.sent += part.length;
      if (!res.write(part)) {
        res.once("drain", write);
        return;
      }
    }
    if (progress.sent >= size && !res.destroyed) {
      progress.finished = true;
      res.end();
    }
  };
  write();
}
