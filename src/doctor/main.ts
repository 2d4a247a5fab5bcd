import "dotenv/config";
import { loadConfig } from "../app.js";
import { ConfigError } from "../errors.js";
import { exitCode, formatReport } from "./report.js";
import { runDoctor } from "./run.js";

// `npm run doctor`: checks the configuration and every service Threadline depends on, with a fix for each
// problem. Exits 1 when something must be fixed before `npm start` can work.
try {
  const config = loadConfig(process.env);
  const results = await runDoctor(config);
  process.stdout.write(`${formatReport(results)}\n`);
  process.exitCode = exitCode(results);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  const lines = error.problems.map((problem) => `✖ Configuration: ${problem}`);
  process.stdout.write(
    `${lines.join("\n")}\n    fix: set these in .env (see .env.example for what each one means), then run npm run doctor again.\n\nThe other checks need a valid configuration.\n`,
  );
  process.exitCode = 1;
}
