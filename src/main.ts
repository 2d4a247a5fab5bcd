import "dotenv/config";
import { appLogger, createApp, loadConfig } from "./app.js";
import { isPostgresUrl } from "./db/database-url.js";
import { assertSqliteDriverLoads, SqliteDriverError } from "./db/sqlite-driver.js";
import { ConfigError, StartupFailure } from "./errors.js";
import { releaseHeapWhenQuiet } from "./heap-release.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(
    `Threadline cannot start. ${error.message}\nSee .env.example for what each variable means.\n`,
  );
  process.exit(1);
}

// Before anything opens the database, so a broken native addon is reported as what it is.
try {
  if (!isPostgresUrl(config.databaseUrl)) assertSqliteDriverLoads();
} catch (error) {
  if (!(error instanceof SqliteDriverError)) throw error;
  process.stderr.write(`Threadline cannot start. ${error.message}\n`);
  process.exit(1);
}

const logger = appLogger(config.logLevel);
const app = createApp(config, { logger });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  try {
    await app.stop();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

try {
  await app.start();
} catch (error) {
  if (error instanceof StartupFailure) {
    // Something to change outside the code: one plain line saying what, no stack.
    process.stderr.write(
      `Threadline cannot start: ${error.message}. ${error.fix}, then run \`npm run doctor\` to check the rest.\n`,
    );
  } else {
    logger.fatal({ err: error }, "Threadline failed to start");
  }
  await app.stop().catch(() => {});
  process.exit(1);
}

// A process-wide concern (tests run many apps in one process), so here rather than in createApp.
releaseHeapWhenQuiet({ logger });
