import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const projectRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** Characters V8 cannot keep in a one-byte string, with a little of what surrounds them. */
function wideCharacters(source: string): string[] {
  return [...source.matchAll(/.{0,30}[\u0100-\u{10FFFF}].{0,10}/gu)].map((match) => match[0]);
}

describe("the bundled source", () => {
  // V8 keeps a script's source in memory as long as it runs, one byte a character only if every character
  // fits in Latin-1: a single curly quote esbuild leaves as is (it escapes strings, not regular expressions)
  // makes the whole of dist/main.js two bytes a character, 4.4 MB more of heap for nothing.
  it("of our own code has no character above U+00FF", async () => {
    const result = await build({
      entryPoints: [path.join(projectRoot, "src/main.ts")],
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      target: "node20",
      minifyWhitespace: true,
      write: false,
      logLevel: "silent",
    });
    const source = result.outputFiles[0]?.text ?? "";
    expect(source.length).toBeGreaterThan(100_000);
    expect(wideCharacters(source)).toEqual([]);
  });

  // An app without AI (or with AI not yet asked) keeps the openai client out of its memory: the package is
  // external to dist/main.js and imported only by the model's first question.
  it("imports openai only when the AI model is first asked", async () => {
    const result = await build({
      entryPoints: [path.join(projectRoot, "src/main.ts")],
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
    const openai = imports.filter((entry) => entry.path === "openai").map((entry) => entry.kind);
    expect(openai).toEqual(["dynamic-import"]);
  });

  // Bolt's index loads its HTTP receivers, which a Socket Mode app never builds: scripts/build.mjs puts a stub
  // that throws in place of express and raw-body, and nothing else of Bolt changes.
  it("of dist/main.js leaves out Bolt's HTTP receivers and keeps Socket Mode", () => {
    execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], {
      cwd: projectRoot,
      stdio: "ignore",
    });
    const bundle = fs.readFileSync(path.join(projectRoot, "dist/main.js"), "latin1");
    expect(bundle).toContain("Bolt's HTTP receivers are not in Threadline's bundle");
    // raw-body's own error messages, and express's application object.
    expect(bundle).not.toContain("request size did not match content length");
    expect(bundle).not.toContain("app.use() requires a middleware function");
    expect(bundle).toContain("apps.connections.open");
  });
});
