import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  appEnvironment,
  connectInboxes,
  type Fakes,
  freePort,
  log,
  ms,
  now,
  projectRoot,
  running,
  sleep,
  tempDatabase,
  until,
} from "./harness.js";

/*
 * Threadline as `npm start` runs it, in its own process, seen only from the outside: it is ready when the fake
 * Slack has its Socket Mode connection and GET /healthz answers 200; its memory is the kernel's count for its
 * pid; it stops on SIGTERM like under a process manager.
 *
 * The one place that knows how the app is started is `startCommand`: it reads package.json's "start" script,
 * so switching `npm start` from tsx to compiled JavaScript switches the benchmarks with it.
 */

interface StartCommand {
  /** Node's arguments, after any the benchmark adds (such as --cpu-prof). */
  readonly args: string[];
  /** package.json's "prestart" (e.g. a build), run once before the first start; npm runs it before "start". */
  readonly prestart: boolean;
}

export function startCommand(): StartCommand {
  const scripts = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"))
    .scripts as Record<string, string>;
  const start = scripts.start ?? "";
  // `tsx file` is node with tsx's loader (the tsx CLI runs it in a second process; the loader keeps it in one).
  const tsx = /^tsx\s+(\S+)$/.exec(start);
  const node = /^node\s+(.+)$/.exec(start);
  const args = tsx ? ["--import", "tsx", tsx[1] as string] : node ? (node[1] as string).split(/\s+/) : null;
  if (!args) {
    throw new Error(
      `bench/app-process.ts does not know how to run the start script "${start}"; teach startCommand() its form`,
    );
  }
  return { args, prestart: scripts.prestart !== undefined };
}

let prestartDone = false;

function runPrestartOnce(command: StartCommand): void {
  if (!command.prestart || prestartDone) return;
  const began = performance.now();
  execFileSync("npm", ["run", "--silent", "prestart"], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "inherit"],
  });
  prestartDone = true;
  log(`    (npm run prestart: ${ms(performance.now() - began)})`);
}

export interface StartOptions {
  /** Writes a V8 CPU profile of the app into this folder when it exits (`npm run bench -- --cpu-prof`). */
  readonly cpuProfileDir?: string;
  /** Variables for this app besides the fakes' (e.g. CAMPAIGN_RATE_PER_SECOND). */
  readonly environment?: Record<string, string>;
}

export interface Memory {
  readonly rss: number;
  /** The highest RSS the process has had (VmHWM). */
  readonly peakRss: number;
}

export class AppProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** Where the app answers `GET /metrics` (Prometheus text, Node's heap figures included). */
    readonly metricsPort: number,
    /** spawn() → the fake Slack accepts the app's Socket Mode connection. */
    readonly spawnToSocketModeMs: number,
    /** spawn() → GET /healthz answers 200 (database reachable, Socket Mode connected). */
    readonly spawnToHealthyMs: number,
    readonly logFile: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(fakes: Fakes, databaseUrl: string, options: StartOptions = {}): Promise<AppProcess> {
    const command = startCommand();
    runPrestartOnce(command);
    const [port, metricsPort] = [await freePort(), await freePort()];
    const logFile = path.join(os.tmpdir(), `threadline-bench-app-${Date.now()}.log`);
    const out = fs.openSync(logFile, "a");
    const connectionsBefore = fakes.slack.connectionCount;
    const profile = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const began = now();
    const child = spawn(process.execPath, [...profile, ...command.args], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...appEnvironment(fakes, databaseUrl),
        ...options.environment,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
      },
      stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
    let exited = false;
    child.once("exit", () => {
      exited = true;
    });
    const alive = () => {
      if (exited) throw new Error(`the app exited before it was ready; see ${logFile}`);
    };
    let socketMode = 0;
    try {
      await until(
        () => {
          alive();
          return fakes.slack.connectionCount > connectionsBefore;
        },
        { intervalMs: 1, timeoutMs: 60_000, what: "the app's Socket Mode connection" },
      );
      socketMode = now() - began;
      await until(
        async () => {
          alive();
          return (await healthStatus(port)) === 200;
        },
        { intervalMs: 10, timeoutMs: 30_000, what: "GET /healthz 200" },
      );
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    const app = new AppProcess(child, port, metricsPort, socketMode, now() - began, logFile);
    running.add(app);
    return app;
  }

  /** The app's process id, for reading its /proc entries. */
  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error("the app has no pid");
    return pid;
  }

  /**
   * The app's memory when its traffic has just ended, then each second for 30 s. Right after the traffic the heap
   * is mostly garbage: the app collects and compacts it once it has been quiet for six seconds
   * (`src/heap-release.ts`), where V8's own memory reducer would take 20–100 s (decision 0038). `settledMs` is
   * when the RSS first read at most `goalBytes` (undefined if it never did).
   */
  async memoryAtRest(
    goalBytes: number,
    restMs = 30_000,
  ): Promise<{ atEnd: Memory; atRest: Memory; settledMs?: number }> {
    const atEnd = this.memory();
    let settledMs: number | undefined;
    for (let waited = 0; waited < restMs; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      waited += 1_000;
      if (settledMs === undefined && this.memory().rss <= goalBytes) settledMs = waited;
    }
    return { atEnd, atRest: this.memory(), settledMs };
  }

  memory(): Memory {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rss: kib("VmRSS") * 1024, peakRss: kib("VmHWM") * 1024 };
  }

  /** CPU time (user + system) the app's process has used so far, in ms (Linux: /proc/<pid>/stat, 100 ticks a second). */
  cpuMs(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error("the app has no pid");
    // The fields after the command name (in brackets, which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  async stop(): Promise<void> {
    running.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!stopped) {
      log(`    the app did not stop within 30 s of SIGTERM; killed (see ${this.logFile})`);
      this.child.kill("SIGKILL");
      await exited;
    }
  }
}

async function healthStatus(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** A new database, the app on it, and `count` inboxes each connected to its own channel (`connectInboxes`). */
export async function startWithInboxes(
  fakes: Fakes,
  name: string,
  tag: string,
  count: number,
  options: StartOptions = {},
): Promise<{ db: ReturnType<typeof tempDatabase>; app: AppProcess }> {
  const db = tempDatabase(name);
  const app = await AppProcess.start(fakes, db.url, options);
  await connectInboxes(fakes, tag, count);
  return { db, app };
}
