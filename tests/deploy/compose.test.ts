import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";

// docker-compose.yml is checked against the configuration contract without a Docker daemon: every instance's
// environment (the env file, made from .env.example, plus its own variables) must pass src/config.ts.

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  env_file?: ({ path: string; required?: boolean } | string)[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const instanceNames = Object.keys(services).filter((name) => name.startsWith("threadline"));

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}
const postgres = service("postgres");

/** KEY=value lines of .env.example that are not commented out: what `cp .env.example threadline.env` sets. */
function envExample(): Record<string, string> {
  const entries = read(".env.example")
    .split("\n")
    .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1], match[2]] as const);
  return Object.fromEntries(entries);
}

/** The variables start-up refuses to go without, as src/config.ts names them. */
function requiredVariables(): string[] {
  try {
    loadConfig({});
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((problem) => problem.split(" ")[0] ?? problem);
    throw error;
  }
  throw new Error("an empty environment was accepted");
}

/** An operator's filled-in env file: the template with plausible secrets. */
const filledEnvFile = {
  ...envExample(),
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_APP_TOKEN: "xapp-1-A1-2-abc",
  PUBLIC_URL: "https://threadline.example.com",
};

/** "host:container" entries; anything else (a range, an address) fails the test. */
function publishedPorts(service: Service): { host: number; container: number }[] {
  return (service.ports ?? []).map((entry) => {
    const match = /^(\d+):(\d+)$/.exec(entry);
    if (!match) throw new Error(`unexpected port entry ${entry}`);
    return { host: Number(match[1]), container: Number(match[2]) };
  });
}

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 15 and three Threadline instances", () => {
    expect(postgres.image).toMatch(/^postgres:15(\.|-|$)/);
    expect(instanceNames).toHaveLength(3);
  });

  it("gives every instance the same env file, one that the template documents every required variable of", () => {
    const required = requiredVariables();
    expect(required).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PUBLIC_URL"]));
    expect(Object.keys(envExample())).toEqual(expect.arrayContaining(required));
    for (const name of instanceNames) {
      expect(service(name).env_file, name).toEqual([{ path: "threadline.env", required: true }]);
      // Per instance values for these would break signatures (PUBLIC_URL) or split the Slack app.
      for (const variable of required)
        expect(service(name).environment ?? {}, name).not.toHaveProperty(variable);
    }
  });

  it("keeps the env file with its secrets out of git and out of the image", () => {
    expect(read(".gitignore").split("\n")).toContain("threadline.env");
    expect(read(".dockerignore").split("\n")).toContain("*.env");
  });

  it("points every instance at the postgres service, with its user, password and database", () => {
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = postgres.environment ?? {};
    for (const name of instanceNames) {
      const config = loadConfig({ ...filledEnvFile, ...service(name).environment });
      const url = new URL(config.databaseUrl);
      expect(url.protocol, name).toBe("postgresql:");
      expect(url.hostname, name).toBe("postgres");
      expect(url.port, name).toBe("5432");
      expect([url.username, url.password, url.pathname], name).toEqual([
        POSTGRES_USER,
        POSTGRES_PASSWORD,
        `/${POSTGRES_DB}`,
      ]);
      expect(service(name).depends_on?.postgres?.condition, name).toBe("service_healthy");
    }
  });

  it("publishes each instance's webhook and metrics ports, the ones its configuration listens on", () => {
    const hostPorts: number[] = [];
    for (const name of instanceNames) {
      const config = loadConfig({ ...filledEnvFile, ...service(name).environment });
      const containerPorts = publishedPorts(service(name)).map((port) => port.container);
      expect(containerPorts, name).toEqual(expect.arrayContaining([config.port, config.metrics.port]));
      hostPorts.push(...publishedPorts(service(name)).map((port) => port.host));
      // Loopback inside a container is unreachable for Prometheus.
      expect(config.metrics.host, name).toBe("0.0.0.0");
      expect(config.metrics.port, name).not.toBe(config.port);
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it("builds the instances from this repository's Dockerfile, which exposes the same ports", () => {
    const exposed = /^EXPOSE\s+(.+)$/m.exec(read("Dockerfile"))?.[1]?.split(/\s+/).map(Number);
    for (const name of instanceNames) {
      expect(service(name).build, name).toBe(".");
      const config = loadConfig({ ...filledEnvFile, ...service(name).environment });
      expect(exposed, name).toEqual(expect.arrayContaining([config.port, config.metrics.port]));
    }
  });
});
