import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface UploadedPart {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RequestBody {
  raw: Buffer;
  /** Media type without parameters, lower-cased; "" when the request has none. */
  mediaType: string;
  /** Form and multipart text fields in wire order; a repeated key appears once per value. */
  fields: [string, string][];
  files: UploadedPart[];
  /** The parsed body when it was sent as JSON. */
  json: unknown;
}

/** What a route answers: a Buffer goes out as is, a string as text/plain, anything else as JSON. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Writes the body itself (chunked, no Content-Length) instead of `body`, e.g. to stream a large file. */
  stream?: (res: ServerResponse) => void;
}

export type Handler = (req: IncomingMessage, url: URL) => Promise<Reply>;

export interface LocalServer {
  server: Server;
  port: number;
  /** "http://127.0.0.1:PORT" */
  origin: string;
  close(): Promise<void>;
}

export async function listen(handler: Handler, port = 0): Promise<LocalServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    handler(req, url).then(
      (reply) => send(res, reply),
      (err: unknown) => {
        // A bug in a simulator must show up in the test output instead of leaving the client waiting.
        console.error("fake server handler failed:", err);
        send(res, text(String(err), 500));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep sockets alive between requests; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const contentType = req.headers["content-type"] ?? "";
  const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  const body: RequestBody = { raw, mediaType, fields: [], files: [], json: undefined };
  if (raw.length === 0) return body;
  if (mediaType === "application/x-www-form-urlencoded") {
    body.fields = [...new URLSearchParams(raw.toString("utf8"))];
  } else if (mediaType === "application/json") {
    body.json = JSON.parse(raw.toString("utf8"));
  } else if (mediaType === "multipart/form-data") {
    // The WHATWG Response parser already implements multipart; no need to hand-roll boundary parsing.
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    for (const [field, value] of form) {
      if (typeof value === "string") body.fields.push([field, value]);
      else
        body.files.push({
          field,
          filename: value.name,
          contentType: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        });
    }
  }
  return body;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { "content-type": "application/json; charset=utf-8", ...headers } };
}

export function text(body: string, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { "content-type": "text/plain; charset=utf-8", ...headers } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.stream) {
    res.writeHead(reply.status, reply.headers);
    reply.stream(res);
    return;
  }
  const body = Buffer.isBuffer(reply.body)
    ? reply.body
    : typeof reply.body === "string"
      ? reply.body
      : JSON.stringify(reply.body);
  res.writeHead(reply.status, { "content-length": String(Buffer.byteLength(body)), ...reply.headers });
  res.end(body);
}
