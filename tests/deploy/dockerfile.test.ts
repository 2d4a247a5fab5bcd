import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";

// The Dockerfile is checked for structure without a Docker daemon: stages, user, install, and that what it
// copies exists in the build context or is made by an earlier stage.

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions with their continuation lines joined and comments dropped, grouped by FROM. */
function stages(dockerfile: string): Stage[] {
  const logical = dockerfile
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const result: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") {
      const [, base = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      result.push({ base, name, instructions: [] });
    } else {
      const current = result.at(-1);
      if (!current) throw new Error(`${keyword} before the first FROM`);
      current.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return result;
}

const all = stages(read("Dockerfile"));
const final = all.at(-1) as Stage;
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
}

function copies(stage: Stage): Copy[] {
  return of(stage, "COPY").map(({ args }) => {
    const words = args.split(/\s+/);
    const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
    const paths = words.filter((word) => !word.startsWith("--"));
    return { from, sources: paths.slice(0, -1) };
  });
}

/** Whether a pattern of .dockerignore (only `*` wildcards are used there) excludes a path of the context. */
function ignored(file: string): boolean {
  const patterns = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}(/|$)`);
    return regex.test(file);
  });
}

describe("Dockerfile", () => {
  // dockerfile-utils is the linter behind the Docker language server (VS Code's Docker extension): syntax,
  // instruction arguments, flags, durations, ports, JSON forms.
  it("passes dockerfile-utils' linter with no error or warning", () => {
    expect(validate(read("Dockerfile"))).toEqual([]);
  });

  it("the linter is not silent: it reports a broken Dockerfile", () => {
    const problems = validate("FROM node:22-slim\nEXPOSE web\nHEALTHCHECK --interval=5x CMD true\n");
    expect(problems.map((problem) => problem.message)).toEqual([
      "Invalid containerPort: web",
      "time: unknown unit x in duration 5x",
    ]);
  });

  it("is multi-stage and ends on a slim Node base no older than package.json's engines", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const [, major] = /^node:(\d+)[^/]*-slim$/.exec(final.base) ?? [];
    const engine = /(\d+)/.exec(JSON.parse(read("package.json")).engines.node)?.[1];
    expect(Number(major)).toBeGreaterThanOrEqual(Number(engine));
  });

  it("runs as a user that is not root", () => {
    const users = of(final, "USER").map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it("builds dist/ with the dev dependencies and installs only the production ones for the image", () => {
    const builder = all.find((stage) =>
      of(stage, "RUN").some((i) => /\bnode scripts\/build\.mjs\b/.test(i.args)),
    );
    expect(builder?.name).toBeDefined();
    expect(of(builder as Stage, "RUN").some((i) => /\bnpm ci\b(?! --omit=dev)/.test(i.args))).toBe(true);
    const production = all.find((stage) =>
      of(stage, "RUN").some((i) => i.args.includes("npm ci --omit=dev")),
    );
    expect(production).toBeDefined();
    const finalCopies = copies(final);
    const nodeModules = finalCopies.find((copy) =>
      copy.sources.some((source) => source.endsWith("node_modules")),
    );
    // Either the final stage installs them itself or copies them from the stage that did.
    expect(production === final || nodeModules?.from === production?.name).toBe(true);
    const dist = finalCopies.find((copy) => copy.sources.includes("/app/dist"));
    expect(dist?.from).toBe(builder?.name);
    expect(of(builder as Stage, "WORKDIR").at(-1)?.args).toBe("/app");
  });

  it("compiles the generated Prisma clients and Kysely types into dist/: all are generated under src/, which the build compiles", () => {
    const generated = [...read("scripts/prisma-generate.mjs").matchAll(/entries: \[([^\]]+)\]/g)].flatMap(
      (m) => [...(m[1] ?? "").matchAll(/"([^"]+)"/g)].map((entry) => entry[1]),
    );
    expect(generated).toEqual([
      "src/db/generated/client.ts",
      "src/db/generated-kysely/types.ts",
      "src/db/generated-pg/client.ts",
    ]);
    expect(read("scripts/build.mjs")).toContain('path.join(projectRoot, "src")');
  });

  it("copies from the build context only files that exist and that .dockerignore lets through", () => {
    for (const stage of all) {
      for (const copy of copies(stage).filter((c) => c.from === undefined)) {
        for (const source of copy.sources) {
          expect(fs.existsSync(path.join(root, source)), source).toBe(true);
          expect(ignored(source), source).toBe(false);
        }
      }
    }
  });

  it("starts dist/main.js, exposes the webhook and metrics ports and checks /healthz", () => {
    expect(JSON.parse(of(final, "CMD").at(-1)?.args ?? "null")).toEqual(["node", "dist/main.js"]);
    expect(of(final, "EXPOSE").flatMap((i) => i.args.split(/\s+/))).toEqual(["3000", "9464"]);
    const healthcheck = of(final, "HEALTHCHECK").at(-1)?.args ?? "";
    expect(healthcheck).toContain("/healthz");
    // Inside a container the metrics listener must not be loopback-only, or nothing can scrape it.
    expect(of(final, "ENV").some((i) => /METRICS_HOST=0\.0\.0\.0/.test(i.args))).toBe(true);
  });

  it("brings what dist/main.js reads at run time: package.json (ESM), the migrations, node_modules", () => {
    const sources = copies(final).flatMap((copy) => copy.sources);
    expect(sources).toEqual(
      expect.arrayContaining(["package.json", "prisma", "/app/node_modules", "/app/dist"]),
    );
  });
});
