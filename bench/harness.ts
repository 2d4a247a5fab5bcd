import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SlackSimulator } from "../src/simulators/slack/simulator.js";
import type { StoredMessage } from "../src/simulators/slack/types.js";
import { TwilioSimulator } from "../src/simulators/twilio/simulator.js";
import { type GoalId, goals } from "./goals.js";

/*
 * What every benchmark shares: the fakes (in this process), the app or the baseline (each in its own child
 * process, so the load generator and the fakes do not steal its event loop), signed Twilio webhooks,
 * percentiles and the result table.
 */

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(benchDir, "..");
export const publicUrl = "https://threadline.bench";
export const webhookPath = "/webhooks/twilio";
export const agentId = "U0AGENT";

export interface BenchOptions {
  readonly quick: boolean;
  /** `--cpu-prof`: each app process writes a V8 CPU profile here when it stops. */
  readonly cpuProfileDir?: string;
}

// ---- Results: detail rows as each benchmark goes, and the goals table (bench/goals.ts) at the end ----

export interface Row {
  readonly bench: string;
  readonly metric: string;
  readonly measured: string;
}

interface GoalMeasurement {
  readonly measured: string;
  readonly pass: boolean;
}

export class Report {
  readonly rows: Row[] = [];
  private readonly measurements = new Map<GoalId, GoalMeasurement[]>();
  private readonly failures = new Map<GoalId, string>();

  /** A detail: printed as it is measured and listed in the detail table. */
  add(bench: string, metric: string, measured: string): void {
    this.rows.push({ bench, metric, measured });
    log(`  ${bench} · ${metric}: ${measured}`);
  }

  /** A measurement of one of the goals; a goal measured more than once passes only if each does. */
  goal(id: GoalId, measured: string, pass: boolean): void {
    this.measurements.set(id, [...(this.measurements.get(id) ?? []), { measured, pass }]);
    log(`  goal · ${goals[id].measure}: ${measured}  ${pass ? "PASS" : "MISS"}`);
  }

  /** A benchmark that threw: its goals that were not measured yet say so in the table. */
  failed(ids: readonly GoalId[], reason: string): void {
    for (const id of ids) if (!this.measurements.has(id)) this.failures.set(id, reason);
  }

  detailTable(): string {
    return markdownTable(
      ["benchmark", "metric", "measured"],
      this.rows.map((row) => [row.bench, row.metric, row.measured]),
    );
  }

  goalTable(): string {
    const lines = (Object.keys(goals) as GoalId[]).map((id) => {
      const taken = this.measurements.get(id) ?? [];
      const failure = this.failures.get(id);
      const measured =
        taken.map((m) => m.measured).join("; ") || (failure ? `failed: ${failure}` : "not run");
      const verdict = taken.length === 0 ? "—" : taken.every((m) => m.pass) ? "pass" : "MISS";
      return [goals[id].measure, goals[id].goal, measured, verdict];
    });
    return markdownTable(["measure", "goal", "measured", "pass/MISS"], lines);
  }
}

function markdownTable(header: string[], lines: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [format(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(format)].join(
    "\n",
  );
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
/** How long the RSS took to come down to its goal after the traffic (`AppProcess.memoryAtRest`). */
export const settled = (ms: number | undefined) =>
  ms === undefined ? "not at the goal within 30 s" : `at the goal ${ms / 1_000} s after`;

export const ms = (value: number) =>
  Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms` : "∞";

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

export async function until(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 120_000, intervalMs = 25, what = "condition" } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Waits until `count()` reaches `target`, for as long as it keeps growing: gives up after `stallMs` without
 * progress (something was lost, or the app is stuck) and returns the count reached, so a benchmark can
 * report what never arrived instead of waiting for ever.
 */
export async function whileProgressing(
  count: () => number,
  target: number,
  { stallMs = 60_000, intervalMs = 100 } = {},
): Promise<number> {
  let last = count();
  let lastChange = Date.now();
  while (last < target && Date.now() - lastChange < stallMs) {
    await sleep(intervalMs);
    const current = count();
    if (current !== last) {
      last = current;
      lastChange = Date.now();
    }
  }
  return last;
}

// ---- What a benchmark started and must stop, even when it throws half-way ----

export interface Stoppable {
  stop(): Promise<void>;
}

/** Servers and processes still running; each removes itself when stopped (see stopEverything). */
export const running = new Set<Stoppable>();

export async function stopEverything(): Promise<void> {
  for (const item of [...running]) await item.stop().catch(() => {});
  running.clear();
}

// ---- Fakes ----

export interface Fakes {
  readonly slack: SlackSimulator;
  readonly twilio: TwilioSimulator;
  stop(): Promise<void>;
}

/** `routing: "random"` when several app instances share the fake Slack (each event to one of them). */
export async function startFakes(options: { routing?: "random" } = {}): Promise<Fakes> {
  const [slack, twilio] = await Promise.all([SlackSimulator.start(options), TwilioSimulator.start()]);
  slack.addUser({ id: agentId, name: "ana", realName: "Ana Alves", displayName: "Ana" });
  const fakes: Fakes = {
    slack,
    twilio,
    stop: async () => {
      running.delete(fakes);
      await Promise.all([slack.stop(), twilio.stop()]);
    },
  };
  running.add(fakes);
  return fakes;
}

export function addChannel(fakes: Fakes, id: string, extraMembers: string[] = []): void {
  fakes.slack.addChannel({
    id,
    name: id.toLowerCase(),
    members: [fakes.slack.botUserId, agentId, ...extraMembers],
  });
}

/** `/threadline connect sms <number>` in `channel`, as the agent types it. */
export async function connectInbox(fakes: Fakes, number: string, channel: string): Promise<void> {
  const ack = await fakes.slack.slashCommand({
    channel_id: channel,
    user_id: agentId,
    text: `connect sms ${number}`,
  });
  if (!String(ack.text ?? "").startsWith("Connected")) throw new Error(`connect failed: ${String(ack.text)}`);
}

export interface ConnectedInbox {
  readonly number: string;
  readonly channel: string;
}

/**
 * `count` inboxes, each connected to its own channel (`C0<tag><i>`), ten commands at a time. Spreading traffic
 * over channels is what lets it reach Slack at all at these rates: Slack allows about one post per second per
 * channel, and the app paces itself to that.
 */
export async function connectInboxes(fakes: Fakes, tag: string, count: number): Promise<ConnectedInbox[]> {
  const inboxes = Array.from({ length: count }, (_, i) => ({
    number: inboxNumberFor(i),
    channel: `C0${tag}${String(i).padStart(4, "0")}`,
  }));
  for (const inbox of inboxes) addChannel(fakes, inbox.channel);
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      inboxes.slice(i, i + 10).map((inbox) => connectInbox(fakes, inbox.number, inbox.channel)),
    );
  }
  return inboxes;
}

// ---- Databases ----

export function tempDatabase(name: string): { dir: string; url: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threadline-bench-${name}-`));
  const file = path.join(dir, "threadline.db");
  return { dir, url: `file:${file}`, file };
}

/** A read-only look at the app's database (WAL lets it read while the app writes). */
export function countRows(file: string, sql: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare(sql).pluck().get() as number | bigint) ?? 0);
  } finally {
    db.close();
  }
}

// ---- The baseline's child process (the app's is bench/app-process.ts) ----

/** bench/baseline-server.ts in its own process, so the load generator does not share its event loop. */
export class BaselineServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async spawn(env: Record<string, string>): Promise<BaselineServer> {
    const logFile = path.join(os.tmpdir(), `threadline-bench-baseline-${Date.now()}.log`);
    const out = fs.openSync(logFile, "a");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDir, "baseline-server.ts")], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", out, out, "ipc"],
    });
    fs.closeSync(out);
    const port = await new Promise<number>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the baseline exited with ${code} before it was ready; see ${logFile}`));
      child.once("exit", onExit);
      child.once("message", (message: { type: string; port: number }) => {
        child.off("exit", onExit);
        if (message.type === "ready") resolve(message.port);
        else reject(new Error(`unexpected message from the baseline: ${JSON.stringify(message)}`));
      });
    });
    const baseline = new BaselineServer(child, port);
    running.add(baseline);
    return baseline;
  }

  async stop(): Promise<void> {
    running.delete(this);
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.send({ type: "stop" });
    await exited;
  }
}

/** A TCP port free on loopback right now, for a child that must be told its port before it starts. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- What reached the fake Slack ----

/**
 * The customer messages the app posted to the fake Slack whose text starts with `prefix`, by text; scans
 * only what was stored since the last look, so polling stays cheap with tens of thousands of messages.
 */
export class PostedMessages {
  readonly byText = new Map<string, StoredMessage>();
  private scanned = 0;

  constructor(
    private readonly slack: SlackSimulator,
    private readonly prefix: string,
  ) {}

  get count(): number {
    const messages = this.slack.messages;
    for (; this.scanned < messages.length; this.scanned++) {
      const message = messages[this.scanned] as StoredMessage;
      // Customer messages carry the customer's name as `username`; the thread's parent does not.
      if (message.username && message.text.startsWith(this.prefix) && !this.byText.has(message.text))
        this.byText.set(message.text, message);
    }
    return this.byText.size;
  }

  /** Resolves once `count` messages are in; throws when they stop arriving short of it. */
  async waitFor(count: number, what: string): Promise<void> {
    const reached = await whileProgressing(() => this.count, count);
    if (reached < count) throw new Error(`${what}: ${reached} of ${count} arrived, then none for 60 s`);
  }
}

export function appEnvironment(fakes: Fakes, databaseUrl: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: fakes.slack.botToken,
    SLACK_APP_TOKEN: fakes.slack.appToken,
    SLACK_API_URL: fakes.slack.apiUrl,
    TWILIO_ACCOUNT_SID: fakes.twilio.accountSid,
    TWILIO_AUTH_TOKEN: fakes.twilio.authToken,
    TWILIO_API_URL: fakes.twilio.baseUrl,
    PUBLIC_URL: publicUrl,
    PORT: "0",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "warn",
  };
}

// ---- Signed webhooks ----

export interface SignedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly messageSid: string;
}

let sidCounter = 0;

/** A Twilio message SID that is new in this process (SM + 32 hex digits). */
export function nextMessageSid(): string {
  sidCounter += 1;
  return `SM${process.pid.toString(16).padStart(8, "0")}${Date.now().toString(16).padStart(12, "0")}${sidCounter.toString(16).padStart(12, "0")}`;
}

/** An inbound SMS exactly as TwilioSimulator.sendInbound posts it, signed for PUBLIC_URL, ready to send. */
export function signedInbound(
  twilio: TwilioSimulator,
  input: { from: string; to: string; body: string },
): SignedRequest {
  const { messageSid, params } = twilio.inboundParams({ ...input, messageSid: nextMessageSid() });
  const body = new URLSearchParams(params as Record<string, string>).toString();
  return {
    body,
    messageSid,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.signature(publicUrl + webhookPath, params),
    },
  };
}

/** Contact number `i` (distinct E.164 numbers). */
export const contactNumber = (i: number) => `+1555${String(2_000_000 + i).padStart(7, "0")}`;
export const inboxNumberFor = (i: number) => `+1555${String(1_000_000 + i).padStart(7, "0")}`;

// ---- An open-loop sender: requests leave on schedule whatever the answers do ----

export interface Sent {
  readonly index: number;
  readonly sentAt: number;
  status?: number;
  answeredAt?: number;
}

/**
 * Sends `requests` at `rate` per second, evenly spaced (not in per-second bursts), over keep-alive
 * connections, and resolves once every answer is in. Latency counts from the scheduled send time, so a
 * slow server cannot hide behind a generator that waits for it (coordinated omission). Several base URLs
 * (instances behind a load balancer) get the requests round-robin.
 */
export async function sendAtRate(
  baseUrl: string | readonly string[],
  requests: readonly SignedRequest[],
  rate: number,
): Promise<Sent[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const urls = (typeof baseUrl === "string" ? [baseUrl] : baseUrl).map((base) => new URL(webhookPath, base));
  const results: Sent[] = [];
  const pending: Promise<void>[] = [];
  const start = now() + 20;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const current = now();
      while (next < requests.length && start + (next * 1000) / rate <= current) {
        const index = next++;
        const request = requests[index] as SignedRequest;
        const sent: Sent = { index, sentAt: start + (index * 1000) / rate };
        results.push(sent);
        pending.push(
          new Promise<void>((done) => {
            const req = http.request(
              urls[index % urls.length] as URL,
              {
                method: "POST",
                agent,
                headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
              },
              (res) => {
                res.resume();
                res.on("end", () => {
                  sent.status = res.statusCode;
                  sent.answeredAt = now();
                  done();
                });
              },
            );
            req.on("error", () => {
              sent.status = 0;
              sent.answeredAt = now();
              done();
            });
            req.end(request.body);
          }),
        );
      }
      if (next < requests.length) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 20);
  });
  await Promise.all(pending);
  agent.destroy();
  return results;
}

/** A description of this machine for the README. */
export function machine(): string {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  return [
    `nproc ${os.availableParallelism()}`,
    `CPU ${model.trim()}`,
    `memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node ${process.version}`,
    `${os.type()} ${os.release()}`,
  ].join(", ");
}

/**
 * Not measured: `count` customer messages at 100 msg/s, `sender(i)` saying who writes to which inbox, until all
 * are in Slack (JIT compilation and first query plans). Answers how many were sent.
 */
export async function warmUp(
  fakes: Fakes,
  baseUrl: string,
  sender: (i: number) => { from: string; to: string },
  count = 200,
): Promise<number> {
  const requests = Array.from({ length: count }, (_, i) =>
    signedInbound(fakes.twilio, { ...sender(i), body: `warmup ${i}` }),
  );
  await sendAtRate(baseUrl, requests, 100);
  await new PostedMessages(fakes.slack, "warmup ").waitFor(count, "the warm-up in Slack");
  return count;
}
