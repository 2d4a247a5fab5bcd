import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { FakeSlack } from "../tests/fakes/fake-slack.js";
import { FakeTwilio } from "../tests/fakes/fake-twilio.js";

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
}

// ---- Results ----

export interface Row {
  readonly bench: string;
  readonly metric: string;
  readonly target: string;
  readonly measured: string;
  /** null: informational, no target. */
  readonly pass: boolean | null;
}

export class Report {
  readonly rows: Row[] = [];

  add(bench: string, metric: string, measured: string, target = "", pass: boolean | null = null): void {
    this.rows.push({ bench, metric, target, measured, pass });
    const verdict = pass === null ? "" : pass ? "  PASS" : "  MISS";
    log(`  ${bench} · ${metric}: ${measured}${target ? ` (target ${target})` : ""}${verdict}`);
  }

  table(): string {
    const header = ["benchmark", "metric", "target", "measured", "result"];
    const lines = this.rows.map((row) => [
      row.bench,
      row.metric,
      row.target || "—",
      row.measured,
      row.pass === null ? "info" : row.pass ? "pass" : "MISS",
    ]);
    const widths = header.map((title, i) =>
      Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)),
    );
    const format = (cells: string[]) =>
      `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
    return [format(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(format)].join(
      "\n",
    );
  }
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

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

// ---- Fakes ----

export interface Fakes {
  readonly slack: FakeSlack;
  readonly twilio: FakeTwilio;
  stop(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const [slack, twilio] = await Promise.all([FakeSlack.start(), FakeTwilio.start()]);
  slack.addUser({ id: agentId, name: "ana", realName: "Ana Alves", displayName: "Ana" });
  return {
    slack,
    twilio,
    stop: async () => {
      await Promise.all([slack.stop(), twilio.stop()]);
    },
  };
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

// ---- Child processes: the app and the baseline ----

export interface ChildReady {
  readonly port: number;
  /** app.start() alone. */
  readonly startMs: number;
  /** From the process's own time origin (node start, before the imports) to ready. */
  readonly sinceProcessStartMs: number;
  readonly rss: number;
}

export interface MemoryReport {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** A child running bench/app-process.mjs (on the compiled app) or bench/baseline-server.ts, over IPC. */
export class ChildServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ChildReady,
    /** Wall time from spawn() to the ready message, as an operator would see it. */
    readonly spawnToReadyMs: number,
    readonly logFile: string,
  ) {}

  get port(): number {
    return this.ready.port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async spawn(
    script: "app-process.mjs" | "baseline-server.ts",
    env: Record<string, string>,
    { cpuProfileDir }: { cpuProfileDir?: string } = {},
  ): Promise<ChildServer> {
    const logFile = path.join(os.tmpdir(), `threadline-bench-${path.parse(script).name}-${Date.now()}.log`);
    // The app runs compiled, as `npm start` runs it; the baseline is TypeScript run through tsx.
    if (script.endsWith(".mjs")) buildApp();
    const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
    const out = fs.openSync(logFile, "a");
    const began = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : []),
        ...loader,
        path.join(benchDir, script),
      ],
      { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ["ignore", out, out, "ipc"] },
    );
    fs.closeSync(out);
    const ready = await new Promise<ChildReady>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${script} exited with ${code} before it was ready; see ${logFile}`));
      child.once("exit", onExit);
      child.once("message", (message: { type: string } & ChildReady) => {
        child.off("exit", onExit);
        if (message.type === "ready") resolve(message);
        else reject(new Error(`unexpected message from ${script}: ${JSON.stringify(message)}`));
      });
    });
    return new ChildServer(child, ready, performance.now() - began, logFile);
  }

  /** RSS and heap after a full GC (the child runs with --expose-gc when asked for it). */
  memory(): Promise<MemoryReport> {
    return this.request<MemoryReport>({ type: "memory" });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.send({ type: "stop" });
    await exited;
  }

  private request<T>(message: { type: string }): Promise<T> {
    return new Promise<T>((resolve) => {
      this.child.once("message", (answer) => resolve(answer as T));
      this.child.send(message);
    });
  }
}

/** dist/ up to date with src/, as `npm start`'s prestart step leaves it. */
function buildApp(): void {
  const build = spawnSync(process.execPath, [path.join(projectRoot, "scripts/build.mjs"), "--if-stale"], {
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed (${build.signal ?? build.status})`);
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
    METRICS_PORT: "0",
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

/** An inbound SMS exactly as FakeTwilio.sendInbound posts it, signed for PUBLIC_URL, ready to send. */
export function signedInbound(
  twilio: FakeTwilio,
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
 * slow server cannot hide behind a generator that waits for it (coordinated omission).
 */
export async function sendAtRate(
  baseUrl: string,
  requests: readonly SignedRequest[],
  rate: number,
): Promise<Sent[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(webhookPath, baseUrl);
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
              url,
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
