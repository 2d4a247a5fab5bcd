import fs from "node:fs";
import { AppProcess } from "./app-process.js";
import {
  agentId,
  connectInboxes,
  contactNumber,
  inboxNumberFor,
  log,
  PostedMessages,
  sendAtRate,
  signedInbound,
  sleep,
  startFakes,
  tempDatabase,
  until,
  warmUp,
  whileProgressing,
} from "./harness.js";

/*
 * The app's memory after each phase of the end-to-end benchmark's traffic (decision 0030), cheaper and steadier
 * than the one figure at its end: RSS split into anonymous and file-backed pages, the peak, and the CPU time the
 * app has used so far (what a heap flag costs).
 *
 *   npx tsx bench/memory-phases.ts              start, 500 inboxes, warm-up, 200 and 500 msg/s, 1,500 replies
 *   npx tsx bench/memory-phases.ts --light      start, 500 inboxes and the warm-up only
 *   npx tsx bench/memory-phases.ts --snapshot   also a heap snapshot of the app at the end, in the project root
 */

const light = process.argv.includes("--light");
const snapshot = process.argv.includes("--snapshot");
const inboxCount = 500;
const inboxOf = (contact: number) => inboxNumberFor(contact % inboxCount);

/** The app's own view from its /metrics (prom-client's default metrics): V8's heap, committed and used, and external. */
async function heapFigures(): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`)).text();
  const value = (name: string) =>
    (Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1]) / 2 ** 20).toFixed(0);
  return `heap ${value("nodejs_heap_size_used_bytes")}/${value("nodejs_heap_size_total_bytes")} MB used/committed, external ${value("nodejs_external_memory_bytes")} MB`;
}

async function report(pid: number, phase: string): Promise<void> {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (field: string) =>
    (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) / 1024).toFixed(0);
  // utime and stime, in clock ticks (100 a second on Linux), are the 14th and 15th fields.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
  log(
    `${phase.padEnd(20)} RSS ${mib("VmRSS")} MB (anon ${mib("RssAnon")}, file ${mib("RssFile")}), peak ${mib("VmHWM")} MB, CPU ${cpu.toFixed(1)} s; ${await heapFigures()}`,
  );
}

if (snapshot) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2`;
const fakes = await startFakes();
const db = tempDatabase("memory");
const app = await AppProcess.start(fakes, db.url);
delete process.env.NODE_OPTIONS;
const pid = app.pid;
await report(pid, "ready");
await connectInboxes(fakes, "M", inboxCount);
await report(pid, "500 inboxes");
await warmUp(fakes, app.baseUrl, (i) => ({
  from: contactNumber(900_000 + (i % 100)),
  to: inboxOf(900_000 + (i % 100)),
}));
await report(pid, "warm-up");
if (!light) {
  let contactBase = 0;
  for (const rate of [200, 500]) {
    const tag = `mem${rate} `;
    const requests = Array.from({ length: rate * 3 }, (_, i) =>
      signedInbound(fakes.twilio, {
        from: contactNumber(contactBase + (i % rate)),
        to: inboxOf(contactBase + (i % rate)),
        body: `${tag}${i}`,
      }),
    );
    contactBase += rate;
    const sent = await sendAtRate(app.baseUrl, requests, rate);
    const posted = new PostedMessages(fakes.slack, tag);
    await whileProgressing(() => posted.count, sent.filter((s) => s.status === 200).length);
    await report(pid, `${rate} msg/s`);
  }
  const threads = new Map<string, { channel: string; ts: string }>();
  for (const m of fakes.slack.messages) {
    if (m.username && m.thread_ts && threads.size < inboxCount)
      threads.set(`${m.channel} ${m.thread_ts}`, { channel: m.channel, ts: m.thread_ts });
  }
  const inThreads = [...threads.values()];
  const replies = 1_500;
  const answers: Promise<unknown>[] = [];
  for (let i = 0; i < replies; i++) {
    const thread = inThreads[i % inThreads.length] as { channel: string; ts: string };
    answers.push(
      fakes.slack.userMessage({
        channel: thread.channel,
        user: agentId,
        text: `mem ${i}`,
        thread_ts: thread.ts,
      }),
    );
    // 500 a second, as the end-to-end benchmark sends them.
    if (i % 50 === 49) await sleep(100);
  }
  await Promise.allSettled(answers);
  await whileProgressing(() => fakes.twilio.sent.length, replies);
  await report(pid, "1,500 replies");
}
let waited = 0;
for (const second of [2, 10, 30, 60, 120]) {
  await sleep((second - waited) * 1_000);
  waited = second;
  await report(pid, `${second} s later`);
}
if (snapshot) {
  const files = () => fs.readdirSync(".").filter((name) => name.endsWith(".heapsnapshot"));
  const before = files().length;
  process.kill(pid, "SIGUSR2");
  await until(() => files().length > before, { what: "the heap snapshot" });
  // The app writes it on its main thread: it answers once the file is complete.
  await (await fetch(`${app.baseUrl}/healthz`)).arrayBuffer();
  log(`heap snapshot: ${files().at(-1)}`);
}
await app.stop();
await fakes.stop();
fs.rmSync(db.dir, { recursive: true, force: true });
