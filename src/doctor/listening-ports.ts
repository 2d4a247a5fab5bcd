import net from "node:net";
import { errorMessage } from "../core/errors.js";
import { probeThreadline } from "./public-url.js";
import type { CheckResult } from "./result.js";

interface PortToCheck {
  readonly name: string;
  readonly port: number;
  readonly host: string;
  readonly portVariable: string;
  readonly hostVariable: string;
  /** Whether what holds the port is a running Threadline (then the port is in use as it should be). */
  readonly heldByThreadline: (port: number) => Promise<boolean>;
}

/** Listens for a moment and lets go: the error code of the refusal, or null when the port is free. */
function tryListen(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? errorMessage(error)));
    server.listen(port, host, () => server.close(() => resolve(null)));
  });
}

async function checkPort(check: PortToCheck): Promise<CheckResult> {
  const { name, port, host, portVariable, hostVariable } = check;
  if (port === 0) return { name, status: "ok", detail: `${portVariable}=0: any free port is taken at start` };
  const refused = await tryListen(port, host);
  if (refused === null) return { name, status: "ok", detail: `port ${port} on ${host} is free` };
  if (refused === "EADDRINUSE") {
    if (await check.heldByThreadline(port).catch(() => false)) {
      return { name, status: "ok", detail: `port ${port} is in use by a running Threadline` };
    }
    return {
      name,
      status: "fail",
      detail: `port ${port} (${portVariable}) is already in use by another program`,
      fix: `Set ${portVariable} to a free port, or stop the program using ${port}.`,
    };
  }
  if (refused === "EACCES") {
    return {
      name,
      status: "fail",
      detail: `port ${port} (${portVariable}) needs privileges this user does not have`,
      fix: `Set ${portVariable} to a port from 1024 up.`,
    };
  }
  if (refused === "EADDRNOTAVAIL") {
    return {
      name,
      status: "fail",
      detail: `${host} (${hostVariable}) is not an address of this machine`,
      fix: `Set ${hostVariable} to one of its addresses, e.g. 127.0.0.1, or 0.0.0.0 for all of them.`,
    };
  }
  return { name, status: "fail", detail: `cannot listen on ${host}:${port}: ${refused}` };
}

/** The host to reach a listener on `host` at, as a URL writes it. */
function urlHost(host: string): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return reachable.includes(":") ? `[${reachable}]` : reachable;
}

/** Whether the webhook receiver's and the metrics' ports can be listened on, as `npm start` will. */
export async function checkPorts(
  webhooks: { readonly port: number; readonly host: string },
  metrics: { readonly port: number; readonly host: string },
  timeoutMs = 2_000,
): Promise<CheckResult[]> {
  const webhookPort = checkPort({
    name: "Webhook port",
    ...webhooks,
    portVariable: "PORT",
    hostVariable: "HOST",
    heldByThreadline: async (port) =>
      (await probeThreadline(`http://${urlHost(webhooks.host)}:${port}`, timeoutMs)).threadline,
  });
  if (metrics.port !== 0 && metrics.port === webhooks.port) {
    return [
      await webhookPort,
      {
        name: "Metrics port",
        status: "fail",
        detail: `METRICS_PORT and PORT are both ${metrics.port}`,
        fix: "Give METRICS_PORT a port of its own (9464 unless set).",
      },
    ];
  }
  const metricsPort = checkPort({
    name: "Metrics port",
    ...metrics,
    portVariable: "METRICS_PORT",
    hostVariable: "METRICS_HOST",
    heldByThreadline: async (port) => {
      const answer = await fetch(`http://${urlHost(metrics.host)}:${port}/metrics`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      return (await answer.text()).includes("threadline_");
    },
  });
  return Promise.all([webhookPort, metricsPort]);
}
