// Compiles src/ (the generated Prisma client included) to dist/, one JavaScript file per source file, so
// `npm start` runs plain Node: no TypeScript compiler in memory, no compile at every start. esbuild only
// strips types (the types are checked by `npm run check`); see docs/decisions/0003-compiled-start.md.
//
//   node scripts/build.mjs              build, or fail
//   node scripts/build.mjs --if-stale   build only when a source is newer than the last build (prestart)
//   node scripts/build.mjs --optional   without esbuild (`npm ci --omit=dev`), say so and succeed (postinstall)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const sourceDir = path.join(projectRoot, "src");
const outDir = path.join(projectRoot, "dist");
// Written last: a build that stopped half-way has no stamp and counts as stale.
const stamp = path.join(outDir, ".build-stamp");
const inputs = [fileURLToPath(import.meta.url), path.join(projectRoot, "package.json")];

const ifStale = process.argv.includes("--if-stale");
const optional = process.argv.includes("--optional");

function note(message) {
  console.error(`build: ${message}`);
}

/**
 * TypeScript to compile, and files to copy as they are: plain JavaScript (e.g. a worker thread's entry) and
 * the demo's page (HTML, CSS and browser JavaScript, served as written).
 */
function sources() {
  const files = fs.readdirSync(sourceDir, { recursive: true });
  const inSource = (file) => path.join(sourceDir, file);
  return {
    typescript: files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")).map(inSource),
    copied: files.filter((file) => /\.(mjs|js|html|css)$/.test(file)).map(inSource),
  };
}

function newestChange(files) {
  return Math.max(...files.map((file) => fs.statSync(file).mtimeMs));
}

function isUpToDate(files) {
  if (!fs.existsSync(stamp)) return false;
  return newestChange([...files, ...inputs]) <= fs.statSync(stamp).mtimeMs;
}

async function loadEsbuild() {
  try {
    return await import("esbuild");
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

const { typescript, copied } = sources();
if (ifStale && isUpToDate([...typescript, ...copied])) process.exit(0);

const esbuild = await loadEsbuild();
if (!esbuild) {
  // A production install (dev dependencies omitted) runs the dist/ built where they were installed.
  if (fs.existsSync(path.join(outDir, "main.js"))) {
    if (!optional)
      note("esbuild is not installed (dev dependencies omitted); running dist/ as it was built.");
    process.exit(0);
  }
  if (optional) {
    note(
      "esbuild is not installed (dev dependencies omitted), so dist/ was not built. Copy dist/ from a build",
    );
    note("with dev dependencies (`npm ci`), or run `npm ci` with them, before `npm start`.");
    process.exit(0);
  }
  note("dist/ is missing and esbuild is not installed (dev dependencies omitted).");
  note("Run `npm ci` (with dev dependencies) to build it, or copy dist/ from such a build.");
  process.exit(1);
}

fs.rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: typescript,
  outdir: outDir,
  outbase: sourceDir,
  format: "esm",
  platform: "node",
  target: "node20",
  // Source maps cost nothing at run time unless Node is started with --enable-source-maps.
  sourcemap: true,
  logLevel: "warning",
});
for (const file of copied) fs.cpSync(file, path.join(outDir, path.relative(sourceDir, file)));
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
