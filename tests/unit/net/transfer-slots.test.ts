import { describe, expect, it } from "vitest";
import { Slots } from "../../../src/net/transfer-slots.js";

describe("Slots", () => {
  it("runs at most `size` at once, the rest in the order they asked, and frees a slot when work fails", async () => {
    const slots = new Slots(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const runs = [0, 1, 2, 3].map((n) =>
      slots
        .run(
          () =>
            new Promise<void>((resolve, reject) => {
              started.push(n);
              finish[n] = n === 0 ? () => reject(new Error("failed")) : resolve;
            }),
        )
        .catch(() => "failed"),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.busy).toBe(2);
    finish[0]?.();
    await runs[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    finish[1]?.();
    finish[2]?.();
    await Promise.all([runs[1], runs[2]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    finish[3]?.();
    await Promise.all(runs);
    expect(slots.busy).toBe(0);
  });
});
