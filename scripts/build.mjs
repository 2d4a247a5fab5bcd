// Bundles each of the app's entry points (src/ with the generated Prisma client and most dependencies) into one
// JavaScript file under dist/, so `npm start` runs plain Node: no TypeScript compiler in memory, no compile
// at every start, and no resolving and loading of ~770 CommonJS modules. esbuild only strips types (the types
// are checked by `npm run check`); see docs/decisions/0003-compiled-start.md and 0014-bundled-start.md.
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
const inputs = [
  fileURLToPath(import.meta.url),
  fileURLToPath(new URL("not-bundled.cjs", import.meta.url)),
  path.join(projectRoot, "package.json"),
];

const ifStale = process.argv.includes("--if-stale");
const optional = process.argv.includes("--optional");

function note(message) {
  console.error(`build: ${message}`);
}

/** What node runs: `npm start`, `npm run doctor`, `npm run demo`. Each becomes dist/<same path>.js. */
const entryPoints = ["main.ts", "doctor/main.ts", "demo/main.ts"];

/**
 * Left to Node's own loader at run time: packages that load files by path from their own folder (a native
 * addon, Wasm, Prisma's runtime and query compiler), an optional one that is absent (pg-native, behind a
 * try/catch), and twilio, whose client `require`s each of its ~40 REST domains only when first used: bundled,
 * all of them (7.4 MB) would be in the file, held in memory for nothing; and openai, which the AI model
 * imports at its first question: an app without AI never loads it (decision 0030).
 */
const external = [
  "better-sqlite3",
  "@prisma/client",
  "@prisma/schema-engine-wasm",
  "pg-native",
  "twilio",
  "openai",
];

/**
 * Bolt's index loads its HTTP receivers, and with them express and raw-body (body-parser, iconv-lite, mime-db,
 * send…), though a Socket Mode app never builds one (`SocketModeReceiver` imports neither). In the bundle both
 * are a stub that throws if called: 0.8 MB less source kept in memory and less run at start (decision 0030).
 */
function leaveOutHttpReceivers() {
  const stub = fileURLToPath(new URL("not-bundled.cjs", import.meta.url));
  const bolt = `${path.sep}@slack${path.sep}bolt${path.sep}`;
  return {
    name: "leave-out-http-receivers",
    setup(build) {
      build.onResolve({ filter: /^(express|raw-body)$/ }, (args) =>
        args.importer.includes(bolt) ? { path: stub } : undefined,
      );
    },
  };
}

/**
 * The bundled CommonJS packages call `require` for Node's built-ins; an ES module has none of its own.
 */
const banner = [
  'import { createRequire as createRequireForBundle } from "node:module";',
  "const require = createRequireForBundle(import.meta.url);",
].join("\n");

/**
 * A module that finds files relative to itself (migrations, manifest.json, the demo's page) keeps seeing the
 * URL it would have unbundled, dist/<its path>.js, rather than the bundle's: dist/ still mirrors src/.
 */
function keepModuleUrls(bundleFile) {
  return {
    name: "keep-module-urls",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(sourceDir + path.sep)) return undefined;
        const source = await fs.promises.readFile(args.path, "utf8");
        if (!source.includes("import.meta.url")) return { contents: source, loader: "ts" };
        const unbundled = path.join(outDir, path.relative(sourceDir, args.path)).replace(/\.ts$/, ".js");
        const relative = path.relative(path.dirname(bundleFile), unbundled).split(path.sep).join("/");
        const specifier = relative.startsWith("../") ? relative : `./${relative}`;
        const url = `new URL(${JSON.stringify(specifier)}, import.meta.url).href`;
        return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
      });
    },
  };
}

/**
 * TypeScript that goes into the bundles (for the staleness check), and files to copy as they are: plain
 * JavaScript (e.g. the schema engine's process entry) and the demo's page (HTML, CSS and browser JavaScript).
 */
function sources() {
  const files = fs.readdirSync(sourceDir, { recursive: true });
  const inSource = (file) => path.join(sourceDir, file);
  return {
    typescript: files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")).map(inSource),
    copied: files.filter((file) => /\.(mjs|js|html|css)$/.test(file)).map(inSource),
  };
}

/**
 * V8 keeps the running script's source in memory, one byte a character only if every character is Latin-1:
 * one curly quote in a regular expression (esbuild escapes strings, not regular expressions) makes the app's
 * 4.8 MB bundle two bytes a character, 4.8 MB more of heap for as long as it runs (decision 0030).
 */
function refuseWideSource(bundleFile) {
  const source = fs.readFileSync(bundleFile, "utf8");
  const wide = /.{0,40}[\u0100-\u{10FFFF}].{0,10}/u.exec(source);
  if (!wide) return;
  note(`${path.relative(projectRoot, bundleFile)} has a character above U+00FF, here: ${wide[0]}`);
  note("write it as an escape (\\u2019) so V8 keeps the bundle one byte a character.");
  process.exit(1);
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
await Promise.all(
  entryPoints.map((entry) => {
    const outfile = path.join(outDir, entry.replace(/\.ts$/, ".js"));
    return esbuild.build({
      entryPoints: [path.join(sourceDir, entry)],
      outfile,
      bundle: true,
      external,
      banner: { js: banner },
      plugins: [keepModuleUrls(outfile), leaveOutHttpReceivers()],
      // ES modules: the entries await at top level, which CommonJS output cannot.
      format: "esm",
      // V8 keeps a script's source for as long as it runs: 6.2 MB → 4.3 MB without the whitespace and with
      // shorter syntax. Names are kept, so a stack trace still names its functions; the source map has lines.
      minifyWhitespace: true,
      minifySyntax: true,
      platform: "node",
      target: "node20",
      // Source maps cost nothing at run time unless Node is started with --enable-source-maps.
      sourcemap: true,
      logLevel: "warning",
    });
  }),
);
for (const file of copied) fs.cpSync(file, path.join(outDir, path.relative(sourceDir, file)));
refuseWideSource(path.join(outDir, "main.js"));
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
