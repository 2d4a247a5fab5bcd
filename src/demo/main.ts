import { z } from "zod";
import { startDemo } from "./demo.js";

/** Port 4321 unless DEMO_PORT says otherwise (0: any free port); LOG_LEVEL=info shows the app's log lines. */
const environment = z.object({
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("error"),
});

const parsed = environment.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`The demo cannot start: ${z.prettifyError(parsed.error)}\n`);
  process.exit(1);
}

let demo: Awaited<ReturnType<typeof startDemo>>;
try {
  demo = await startDemo({ port: parsed.data.DEMO_PORT, logLevel: parsed.data.LOG_LEVEL });
} catch (error) {
  const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
  process.stderr.write(
    busy
      ? `The demo cannot start: port ${parsed.data.DEMO_PORT} is in use. Try DEMO_PORT=0 npm run demo.\n`
      : `The demo cannot start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
}

process.stdout.write(
  `\nThreadline demo: open ${demo.url}\n` +
    "The real app runs against simulated Slack, Twilio and AI model (its drafts are marked [simulated model]); everything is deleted when you stop. Ctrl-C to stop.\n\n",
);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  try {
    await demo.stop();
    process.stdout.write("Demo stopped.\n");
    process.exit(0);
  } catch (error) {
    process.stderr.write(`The demo did not stop cleanly: ${String(error)}\n`);
    process.exit(1);
  }
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
