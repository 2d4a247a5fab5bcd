import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const engineEntry = fileURLToPath(new URL("../../../src/db/schema-engine-worker.mjs", import.meta.url));

// The app holds PostgreSQL's migration lock on its own connection while the engine's process migrates: when
// the app is gone, the lock is free for another instance, so the engine must not go on alone.
it("stops the schema engine's process when the app that started it goes away", async () => {
  const engine = fork(engineEntry, [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  // It says it listens once it is ready for the request; the app has not sent it yet.
  expect((await once(engine, "message"))[0]).toEqual({ listening: true });
  const exited = once(engine, "exit");
  engine.disconnect();
  const [code] = await exited;
  expect(code).toBe(1);
});
