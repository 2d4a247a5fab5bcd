import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  assertSqliteDriverLoads,
  classifySqliteDriverError,
  SqliteDriverError,
} from "../../../src/db/sqlite-driver.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-driver-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An error shaped like Node's own when dlopen refuses an addon (message and code as Node 20 writes them). */
function dlopenError(message: string): Error {
  return Object.assign(new Error(message), { code: "ERR_DLOPEN_FAILED" });
}

describe("classifySqliteDriverError", () => {
  it("names an addon built for another Node.js version, with the fix", () => {
    const error = dlopenError(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
        "was compiled against a different Node.js version using\n" +
        "NODE_MODULE_VERSION 108. This version of Node.js requires\n" +
        "NODE_MODULE_VERSION 115. Please try re-compiling or re-installing\n" +
        "the module (for instance, using `npm rebuild` or `npm install`).",
    );

    const classified = classifySqliteDriverError(error);

    expect(classified).toBeInstanceOf(SqliteDriverError);
    expect(classified?.code).toBe("SQLITE_DRIVER_UNLOADABLE");
    expect(classified?.problem).toBe("other-node-version");
    expect(classified?.message).toContain("built for another Node.js version (NODE_MODULE_VERSION 108)");
    expect(classified?.message).toContain(`this Node.js ${process.version} needs NODE_MODULE_VERSION 115`);
    expect(classified?.message).toContain("npm rebuild better-sqlite3");
    expect(classified?.cause).toBe(error);
  });

  it("names an addon that was never built", () => {
    const error = new Error(
      "Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node",
    );

    const classified = classifySqliteDriverError(error);

    expect(classified?.problem).toBe("not-built");
    expect(classified?.message).toContain("npm rebuild better-sqlite3");
  });

  it("leaves alone an error that is not about loading the addon", () => {
    expect(classifySqliteDriverError(new Error("SQLITE_BUSY: database is locked"))).toBeUndefined();
  });
});

describe("assertSqliteDriverLoads", () => {
  it("passes with the installed addon", () => {
    expect(() => assertSqliteDriverLoads()).not.toThrow();
  });

  it("fails with SQLITE_DRIVER_UNLOADABLE when the addon file cannot be loaded", () => {
    const notAnAddon = path.join(dir, "better_sqlite3.node");
    fs.writeFileSync(notAnAddon, "this is not a shared library");

    let caught: unknown;
    try {
      assertSqliteDriverLoads(notAnAddon);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(SqliteDriverError);
    expect((caught as SqliteDriverError).problem).toBe("unloadable");
    expect((caught as SqliteDriverError).message).toContain(notAnAddon);
    expect((caught as SqliteDriverError).message).toContain("npm rebuild better-sqlite3");
  });
});
