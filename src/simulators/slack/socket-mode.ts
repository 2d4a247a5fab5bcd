import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { DisconnectReason, Json, SocketAck, SocketEnvelope } from "./types.js";

// Protocols §1.7: socket-mode v1 needs server pings at least every 30 s; v2/v3 only need pongs.
const PING_INTERVAL_MS = 5_000;
// Slack warns "about 10 seconds before the disconnect"; after that it closes the socket itself.
const DISCONNECT_GRACE_MS = 10_000;
const HOST = "applink-fake-1";
// How long stop() lets clients finish the close handshake before cutting them off.
const STOP_GRACE_MS = 1_000;
/** Slack gives up on an envelope that is not acked within 3 seconds. */
export const ACK_TIMEOUT_MS = 3_000;

/**
 * Which open connection gets an envelope: the newest (a reconnecting client's new socket takes over at once), or
 * a random one, as Slack spreads events over an app's connections when several instances run it.
 */
export type SocketRouting = "newest" | "random";

interface Pending {
  envelope: SocketEnvelope;
  ackTimeoutMs: number;
  resolve(payload: Json): void;
  reject(err: Error): void;
  socket?: WebSocket;
  timer?: NodeJS.Timeout;
}

/** Slack's side of Socket Mode: hello, pings, envelope delivery, acks, disconnects and redelivery. */
export class SocketModeServer {
  /** Every envelope frame written to a socket, redeliveries included. */
  readonly envelopes: SocketEnvelope[] = [];
  readonly acks: SocketAck[] = [];
  connectionCount = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Sockets that may receive envelopes, newest last; a socket told to disconnect leaves this list. */
  private readonly routable: WebSocket[] = [];
  private readonly open = new Set<WebSocket>();
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, Pending>();
  private readonly tickets = new Set<string>();

  constructor(
    server: Server,
    private readonly origin: string,
    private readonly appId: string,
    private readonly routing: SocketRouting = "newest",
  ) {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  /** A one-time URL, as apps.connections.open returns. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.origin.replace(/^http/, "ws")}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  get isConnected(): boolean {
    return this.routable.length > 0;
  }

  /** Envelopes sent and not yet acked (redeliveries waiting for a connection not counted). */
  get awaitingAck(): number {
    return this.inflight.size;
  }

  /** Connections that may receive envelopes now. */
  get routableCount(): number {
    return this.routable.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Resolves with the ack's payload; rejects when no ack arrives within `ackTimeoutMs` of delivery. */
  send(envelope: SocketEnvelope, ackTimeoutMs: number): Promise<Json> {
    return new Promise((resolve, reject) => this.deliver({ envelope, ackTimeoutMs, resolve, reject }));
  }

  /** Sends a disconnect frame on every connection; resolves once they have all closed. */
  async disconnect(reason: DisconnectReason): Promise<void> {
    const targets = this.routable.splice(0);
    await Promise.all(
      targets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => ws.terminate(), DISCONNECT_GRACE_MS);
            ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: HOST } }));
          }),
      ),
    );
  }

  /** Kills every socket without a close handshake, like a network failure. */
  dropConnection(): void {
    for (const ws of this.open) ws.terminate();
  }

  /**
   * Closes every socket with a close handshake. Bolt's app.stop() resolves before its socket has
   * closed; terminating it mid-handshake makes socket-mode log a 1006 error and leak a 30 s timer.
   */
  async close(): Promise<void> {
    for (const pending of this.inflight.values()) clearTimeout(pending.timer);
    this.inflight.clear();
    this.queue.length = 0;
    await Promise.all(
      [...this.open].map(
        (ws) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => ws.terminate(), STOP_GRACE_MS);
            ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1001, "fake slack stopping");
          }),
      ),
    );
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== "/link/" || !this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.connectionCount += 1;
    this.open.add(ws);
    this.routable.push(ws);
    const ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping("fake slack ping");
    }, PING_INTERVAL_MS);
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    // Errors always end in "close", which is where the connection's state is cleaned up.
    ws.on("error", () => {});
    ws.on("close", () => {
      clearInterval(ping);
      this.onClose(ws);
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.routable.length,
        debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.flush();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let frame: { envelope_id?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof frame.envelope_id !== "string") return;
    const payload =
      typeof frame.payload === "object" && frame.payload !== null ? (frame.payload as Json) : {};
    this.acks.push({ envelope_id: frame.envelope_id, payload, at: new Date() });
    const pending = this.inflight.get(frame.envelope_id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.inflight.delete(frame.envelope_id);
    pending.resolve(payload);
  }

  /** Unacked events go out again on the next connection, marked as a retry; other envelopes just time out. */
  private onClose(ws: WebSocket): void {
    this.open.delete(ws);
    const index = this.routable.indexOf(ws);
    if (index >= 0) this.routable.splice(index, 1);
    const retries: Pending[] = [];
    for (const [id, pending] of this.inflight) {
      if (pending.socket !== ws || pending.envelope.type !== "events_api") continue;
      clearTimeout(pending.timer);
      this.inflight.delete(id);
      const attempt = (pending.envelope.retry_attempt ?? 0) + 1;
      pending.envelope = { ...pending.envelope, retry_attempt: attempt, retry_reason: "timeout" };
      retries.push(pending);
    }
    this.queue.unshift(...retries);
    this.flush();
  }

  private target(): WebSocket | undefined {
    if (this.routing === "newest") return this.routable.findLast((ws) => ws.readyState === WebSocket.OPEN);
    const candidates = this.routable.filter((ws) => ws.readyState === WebSocket.OPEN);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  private deliver(pending: Pending): void {
    const ws = this.target();
    if (!ws) {
      this.queue.push(pending);
      return;
    }
    const { envelope } = pending;
    pending.socket = ws;
    this.inflight.set(envelope.envelope_id, pending);
    this.envelopes.push(envelope);
    ws.send(JSON.stringify(envelope));
    pending.timer = setTimeout(() => {
      this.inflight.delete(envelope.envelope_id);
      pending.reject(
        new Error(
          `no ack for ${envelope.type} envelope ${envelope.envelope_id} within ${pending.ackTimeoutMs} ms`,
        ),
      );
    }, pending.ackTimeoutMs);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.target()) {
      const next = this.queue.shift();
      if (next) this.deliver(next);
    }
  }
}
