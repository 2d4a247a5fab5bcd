import { createApp } from "../dist/app.js";
import { loadConfig } from "../dist/config.js";

/*
 * The app as `npm start` runs it (dist/main.js, compiled from src/main.ts: config from the environment,
 * createApp with its production defaults), plus an IPC line to the benchmark: when it is ready, its memory,
 * and a clean stop. Plain JavaScript on the compiled app, so no TypeScript loader is measured with it.
 */
const config = loadConfig(process.env);
const app = createApp(config);
const began = performance.now();
await app.start();
const startMs = performance.now() - began;
process.send?.({
  type: "ready",
  port: app.httpPort,
  startMs,
  sinceProcessStartMs: performance.now(),
  rss: process.memoryUsage().rss,
});

process.on("message", async (message) => {
  if (message.type === "memory") {
    process.send?.({ type: "memory", ...process.memoryUsage() });
  } else if (message.type === "stop") {
    await app.stop();
    process.exit(0);
  }
});
