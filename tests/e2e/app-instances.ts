import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import type { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import type { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { publicUrl } from "./harness.js";

const projectRoot = path.resolve(import.meta.dirname, "../..");

/** One instance as `npm start` runs it (`node dist/main.js`), so it can be SIGKILLed like a machine that dies. */
export class Instance {
  private child: ChildProcess | null = null;
  output = "";

  constructor(
    readonly port: number,
    private readonly environment: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/webhooks/twilio`;
  }

  async start(): Promise<void> {
    this.output = "";
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? "", ...this.environment, PORT: String(this.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    await waitFor(() => this.output.includes("listening for webhooks"), { timeoutMs: 30_000 }).catch(
      (error: unknown) => {
        throw new Error(`instance on port ${this.port} did not start; its output:\n${this.output}`, {
          cause: error,
        });
      },
    );
  }

  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }
}

/**
 * `count` instances on one database, all given the same environment (the load balancer's PUBLIC_URL, which
 * Twilio signs with path), each on a port of its own; resolves once each has its Socket Mode connection.
 */
export async function startInstances(
  count: number,
  slack: SlackSimulator,
  twilio: TwilioSimulator,
  databaseUrl: string,
): Promise<Instance[]> {
  const environment = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_API_URL: twilio.baseUrl,
    PUBLIC_URL: publicUrl,
    METRICS_PORT: "0",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "info",
  };
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const instances = ports.map((port) => new Instance(port, environment));
  await Promise.all(instances.map((instance) => instance.start()));
  await waitFor(() => slack.openConnections === count, { message: `${count} Socket Mode connections` });
  return instances;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Like a load balancer: instance `first` gets the webhook; one that is down passes it on to the next. Retries keep
 * Twilio's MessageSid, which the app deduplicates on.
 */
export async function deliverSpread(
  twilio: TwilioSimulator,
  instances: readonly Instance[],
  first: number,
  input: { from: string; to: string; body: string },
): Promise<void> {
  const messageSid = `SM${randomBytes(16).toString("hex")}`;
  for (let attempt = 0; attempt < instances.length * 3; attempt += 1) {
    const instance = instances[(first + attempt) % instances.length] as Instance;
    try {
      const answer = await twilio.sendInbound({
        ...input,
        messageSid,
        webhookUrl: instance.webhookUrl,
        publicUrl: `${publicUrl}/webhooks/twilio`,
      });
      if (answer.status === 200) return;
    } catch {
      // Connection refused or reset: the instance is down; the balancer tries the next one.
    }
  }
  throw new Error(`no instance accepted ${input.body}`);
}
