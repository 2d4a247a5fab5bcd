// Runs `prisma generate` (package.json "postinstall") so that `npm ci` produces src/db/generated (SQLite),
// src/db/generated-pg (PostgreSQL, from prisma/postgresql/schema.prisma) and src/db/generated-kysely (the table
// types of the SQL written once for both), also offline.
//
// Every Prisma CLI command first makes sure the native schema engine is present and downloads it from
// binaries.prisma.sh when it is not, which fails without internet. `generate` never runs that engine, and the
// CLI accepts any existing file named by PRISMA_SCHEMA_ENGINE_BINARY instead of downloading. We name the Wasm
// schema engine that src/db/migrate.ts really uses for migrations.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const schemas = [
  {
    schema: "prisma/schema.prisma",
    entries: ["src/db/generated/client.ts", "src/db/generated-kysely/types.ts"],
  },
  { schema: "prisma/postgresql/schema.prisma", entries: ["src/db/generated-pg/client.ts"] },
];

function fail(message) {
  console.error(`prisma-generate: ${message}`);
  process.exit(1);
}

function resolveFile(specifier) {
  try {
    return fileURLToPath(import.meta.resolve(specifier));
  } catch (error) {
    fail(`cannot find ${specifier} (${error.message}). Run \`npm ci\` (dev dependencies included) first.`);
  }
}

const prismaCli = resolveFile("prisma/build/index.js");
const env = {
  ...process.env,
  // A user who has the real engine binary keeps it; the CLI only checks that the file exists.
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? resolveFile("@prisma/schema-engine-wasm/schema_engine_bg"),
  // Prisma starts a generator that is not its own (prisma-kysely) as a command; npm puts node_modules/.bin on the
  // PATH for postinstall, a plain `node scripts/prisma-generate.mjs` does not.
  PATH: [path.join(projectRoot, "node_modules", ".bin"), process.env.PATH]
    .filter(Boolean)
    .join(path.delimiter),
  // Both would otherwise try to reach Prisma's servers (update check and telemetry) and wait on the network.
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

for (const { schema, entries } of schemas) {
  const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schema], {
    cwd: projectRoot,
    env,
    stdio: "inherit",
  });
  if (result.error) fail(`could not start the Prisma CLI: ${result.error.message}`);
  if (result.status !== 0) {
    fail(
      `\`prisma generate --schema ${schema}\` failed (${result.signal ?? `exit code ${result.status}`}); see its output above.`,
    );
  }
  // Guards against a generator output change that would leave src/db imports pointing at a missing file.
  for (const entry of entries) {
    if (!existsSync(path.join(projectRoot, entry))) {
      fail(`\`prisma generate\` succeeded but ${entry} is missing.`);
    }
  }
}
