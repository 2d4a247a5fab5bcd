import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";

const projectRoot = path.resolve(import.meta.dirname, "../..");

/** Builds dist/ if a source changed: these tests run what `npm start` runs. */
export function buildIfStale(): void {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: projectRoot, stdio: "ignore" });
}

export interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node dist/main.js` with this environment (and nothing else), run until it exits by itself. */
export function runMain(environment: Record<string, string>): Promise<Ended> {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Exit 1 with exactly one plain line on stderr, which names the doctor, and no stack anywhere. */
export function expectOnePlainLine(ended: Ended): string {
  expect(ended.code).toBe(1);
  const lines = ended.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  const [line] = lines;
  expect(line).toMatch(/^Threadline cannot start: /);
  expect(line).toContain("then run `npm run doctor`");
  expect(`${ended.stdout}${ended.stderr}`).not.toMatch(/\n\s+at |\\n\s+at |"stack"/);
  expect(ended.stdout).not.toContain("migration failed");
  return line ?? "";
}
