import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/app.js";
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

/**
 * `${NAME}` and `${NAME:?message}` replaced as `docker compose --env-file threadline.env` does: from the env file;
 * a `:?` variable that is unset or empty stops compose with its message.
 */
function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::\?([^}]*))?\}/g, (_, name: string, required?: string) => {
    const value = variables[name] ?? "";
    if (value === "" && required !== undefined) throw new Error(`required variable ${name}: ${required}`);
    return value;
  });
}

const composeText = read("docker-compose.yml");
type Compose = { services: Record<string, Service> };
const composeWith = (variables: Record<string, string>) =>
  parse(interpolate(composeText, variables), { merge: true }) as Compose;

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

/** An operator's filled-in env file: the template with plausible secrets, and the database password. */
const filledEnvFile: Record<string, string> = {
  ...envExample(),
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_APP_TOKEN: "xapp-1-A1-2-abc",
  PUBLIC_URL: "https://threadline.example.com",
  POSTGRES_PASSWORD: "5f0c2a9e7b41d3c8a6e2",
};

const services = composeWith(filledEnvFile).services;
const instanceNames = Object.keys(services).filter((name) => name.startsWith("threadline"));

function service(name: string, from = services): Service {
  const found = from[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}
const postgres = service("postgres");

/** "[address:]host:container" entries (no address: every interface); anything else fails the test. */
function publishedPorts(service: Service): { address: string; host: number; container: number }[] {
  return (service.ports ?? []).map((entry) => {
    const match = /^(?:([\d.]+):)?(\d+):(\d+)$/.exec(entry);
    if (!match) throw new Error(`unexpected port entry ${entry}`);
    return { address: match[1] ?? "0.0.0.0", host: Number(match[2]), container: Number(match[3]) };
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

  it("takes the database password from the env file, never a fixed one, and refuses to start without it", () => {
    expect(read(".env.example")).toMatch(/^# POSTGRES_PASSWORD=$/m);
    const other = composeWith({ ...filledEnvFile, POSTGRES_PASSWORD: "another0password1" });
    expect(service("postgres", other.services).environment?.POSTGRES_PASSWORD).toBe("another0password1");
    for (const name of instanceNames) {
      const url = new URL(service(name, other.services).environment?.DATABASE_URL ?? "");
      expect(url.password, name).toBe("another0password1");
    }
    expect(() => composeWith({ ...filledEnvFile, POSTGRES_PASSWORD: "" })).toThrow(
      /POSTGRES_PASSWORD: set POSTGRES_PASSWORD in threadline.env and run docker compose --env-file threadline.env/,
    );
  });

  it("publishes each instance's webhook and metrics ports, the ones its configuration listens on", () => {
    const hostPorts: number[] = [];
    for (const name of instanceNames) {
      const config = loadConfig({ ...filledEnvFile, ...service(name).environment });
      const containerPorts = publishedPorts(service(name)).map((port) => port.container);
      expect(containerPorts, name).toEqual(expect.arrayContaining([config.port, config.metrics.port]));
      hostPorts.push(...publishedPorts(service(name)).map((port) => port.host));
      // Loopback inside a container is unreachable for Prometheus; on the host, metrics stay on loopback.
      expect(config.metrics.host, name).toBe("0.0.0.0");
      const metrics = publishedPorts(service(name)).filter((port) => port.container === config.metrics.port);
      expect(
        metrics.map((port) => port.address),
        name,
      ).toEqual(["127.0.0.1"]);
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
