import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Logger } from "../logger.js";
import { json, type LocalServer, listen, type Reply, readBody, text } from "../simulators/http.js";
import { type DemoDriver, DemoRequestError } from "./driver.js";
import { samplePictures } from "./samples.js";
import { sitePage } from "./site-page.js";
import { demoSnapshot } from "./snapshot.js";

const pageDir = new URL("./page/", import.meta.url);
const pageFiles: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "state.js": "text/javascript; charset=utf-8",
  "phone.js": "text/javascript; charset=utf-8",
  "slack-view.js": "text/javascript; charset=utf-8",
  "menus.js": "text/javascript; charset=utf-8",
  "render.js": "text/javascript; charset=utf-8",
};

/** Views refresh at most this often, however many changes a burst of requests makes. */
const refreshDelayMs = 40;
/** A comment line now and then keeps idle event streams open through proxies and browsers. */
const keepAliveMs = 15_000;

const teammate = z.string().min(1);
/** The thread pane the person acted in (null: the channel), where answers to what they did show. */
const inThread = z.string().nullable().default(null);
const requests = {
  phone: z.object({ customer: z.string(), text: z.string().max(1600), picture: z.string().nullable() }),
  message: z.object({ user: teammate, text: z.string().max(4000), threadTs: z.string().nullable() }),
  command: z.object({ user: teammate, text: z.string().max(2000), inThread }),
  button: z.object({ user: teammate, messageTs: z.string(), actionId: z.string(), inThread }),
  ephemeralButton: z.object({ user: teammate, ephemeralTs: z.string(), actionId: z.string() }),
  options: z.object({ user: teammate, messageTs: z.string(), actionId: z.string(), query: z.string() }),
  overflow: z.object({
    user: teammate,
    messageTs: z.string(),
    actionId: z.string(),
    value: z.string(),
    inThread,
  }),
  reaction: z.object({ user: teammate, messageTs: z.string(), name: z.enum(["eyes", "white_check_mark"]) }),
  home: z.object({ user: teammate }),
  select: z.object({
    user: teammate,
    messageTs: z.string(),
    actionId: z.string(),
    value: z.string(),
    text: z.string(),
    inThread,
  }),
};

type Action = (body: unknown) => Promise<unknown>;

/** A page action: its JSON body checked by `schema`, then done; what it resolves with is the answer. */
function action<T>(schema: z.ZodType<T>, run: (input: T) => Promise<unknown>): Action {
  return (body) => run(schema.parse(body));
}

/**
 * The demo page and what it calls: event stream, actions on the simulators, the sample pictures and Slack's
 * files. It also stands in for the public URL, passing transcript and media links through to the app.
 */
export async function startDemoServer(
  port: number,
  driver: DemoDriver,
  appPort: () => number,
  logger: Logger,
): Promise<LocalServer> {
  const streams = new EventStreams(driver);
  const actions: Record<string, Action> = {
    "/demo/phone": action(requests.phone, (i) => driver.customerTexts(i.customer, i.text, i.picture)),
    "/demo/slack/message": action(requests.message, (i) => driver.postMessage(i.user, i.text, i.threadTs)),
    "/demo/slack/command": action(requests.command, (i) => driver.command(i.user, i.text, i.inThread)),
    "/demo/slack/button": action(requests.button, (i) =>
      driver.click(i.user, i.messageTs, i.actionId, i.inThread),
    ),
    "/demo/slack/ephemeral-button": action(requests.ephemeralButton, (i) =>
      driver.clickEphemeral(i.user, i.ephemeralTs, i.actionId),
    ),
    "/demo/slack/overflow": action(requests.overflow, (i) =>
      driver.chooseFromMenu(i.user, i.messageTs, i.actionId, i.value, i.inThread),
    ),
    "/demo/slack/reaction": action(requests.reaction, (i) =>
      driver.toggleReaction(i.user, i.messageTs, i.name),
    ),
    "/demo/slack/home": action(requests.home, (i) => driver.openHome(i.user)),
    "/demo/slack/options": action(requests.options, (i) =>
      driver.options(i.user, i.messageTs, i.actionId, i.query),
    ),
    "/demo/slack/select": action(requests.select, (i) =>
      driver.select(i.user, i.messageTs, i.actionId, { value: i.value, text: i.text }, i.inThread),
    ),
  };

  let served = 0;
  const route = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    const refusal = foreignRequest(req, served);
    if (refusal) {
      logger.warn(
        { host: req.headers.host, origin: req.headers.origin, path: url.pathname },
        `demo: ${refusal}`,
      );
      return text(`${refusal}. Open the demo at http://localhost:${served}/.`, 403);
    }
    const path = url.pathname;
    const act = actions[path];
    if (act) {
      if (req.method !== "POST") return text("use POST", 405, { allow: "POST" });
      return answerAction(act, (await readBody(req)).json, logger);
    }
    if (req.method !== "GET") return text("not found", 404);
    // Slack's permalinks point here in the demo (find results): the page opens the thread they name.
    if (path === "/" || /^\/archives\/[A-Z0-9]+\/p\d+$/.test(path)) return pageFile("index.html");
    if (path.startsWith("/demo/page/")) return pageFile(path.slice("/demo/page/".length));
    if (path === "/demo/events") return streams.open(req);
    if (path === "/demo/site") return sitePage(`http://127.0.0.1:${appPort()}`);
    const picture = /^\/demo\/pictures\/([a-z]+)\.png$/.exec(path)?.[1];
    if (picture) return samplePicture(picture);
    const fileId = /^\/demo\/slack-files\/(F\w+)$/.exec(path)?.[1];
    if (fileId) return slackFile(driver, fileId);
    if (path.startsWith("/media/") || path.startsWith("/conversations/"))
      return passThrough(`http://127.0.0.1:${appPort()}${path}${url.search}`);
    return text("not found", 404);
  };
  const server = await listen(route, port);
  served = server.port;
  return {
    ...server,
    close: async () => {
      streams.close();
      await server.close();
    },
  };
}

/**
 * The demo listens on loopback only, but a web page elsewhere could still reach it through the visitor's
 * browser: by DNS rebinding (a name of its own that resolves to 127.0.0.1, so the Host is that name) or by
 * posting across origins. Only requests addressed to localhost or 127.0.0.1 at this port, and not sent by
 * another site's page, are served. Null when the request may be served, else why not.
 */
function foreignRequest(req: IncomingMessage, port: number): string | null {
  const ours = [`localhost:${port}`, `127.0.0.1:${port}`];
  const host = req.headers.host?.toLowerCase() ?? "";
  if (!ours.includes(host)) return `refused a request addressed to ${JSON.stringify(host)}`;
  const origin = req.headers.origin;
  if (origin !== undefined && !ours.some((address) => origin.toLowerCase() === `http://${address}`))
    return `refused a request sent by the page at ${JSON.stringify(origin)}`;
  return null;
}

async function answerAction(act: Action, body: unknown, logger: Logger): Promise<Reply> {
  try {
    return json((await act(body)) ?? { ok: true });
  } catch (error) {
    if (error instanceof z.ZodError) return json({ error: z.prettifyError(error) }, 400);
    if (error instanceof DemoRequestError) return json({ error: error.message }, 400);
    logger.warn({ err: error }, "demo: an action from the page failed");
    return json({ error: error instanceof Error ? error.message : String(error) }, 502);
  }
}

async function pageFile(name: string): Promise<Reply> {
  const type = pageFiles[name];
  if (!type) return text("not found", 404);
  const body = await fs.readFile(new URL(name, pageDir));
  return { status: 200, body, headers: { "content-type": type, "cache-control": "no-cache" } };
}

function samplePicture(id: string): Reply {
  const picture = samplePictures.find((sample) => sample.id === id);
  if (!picture) return text("not found", 404);
  return { status: 200, body: picture.png, headers: { "content-type": "image/png" } };
}

/** A file in Slack, fetched as a signed-in Slack client would (the bot token stands in for its session). */
async function slackFile(driver: DemoDriver, fileId: string): Promise<Reply> {
  const file = driver.slack.messages.flatMap((message) => message.files ?? []).find((f) => f.id === fileId);
  if (!file) return text("not found", 404);
  return passThrough(file.url_private, { authorization: `Bearer ${driver.slack.botToken}` });
}

const hopByHop = new Set([
  "connection",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "keep-alive",
]);

async function passThrough(target: string, headers: Record<string, string> = {}): Promise<Reply> {
  let response: Response;
  try {
    response = await fetch(target, { headers, redirect: "manual" });
  } catch (error) {
    return text(`not reachable: ${error instanceof Error ? error.message : String(error)}`, 502);
  }
  const kept: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!hopByHop.has(name)) kept[name] = value;
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: kept };
}

/** Server-sent events: each open page gets the whole snapshot when anything changed. */
class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: (() => void)[];
  private pending: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly driver: DemoDriver) {
    const refresh = () => this.scheduleRefresh();
    this.unsubscribe = [
      driver.slack.changes.subscribe(refresh),
      driver.twilio.changes.subscribe(refresh),
      driver.graph.changes.subscribe(refresh),
    ];
    this.keepAlive = setInterval(() => {
      for (const res of this.clients) res.write(": keep-alive\n\n");
    }, keepAliveMs);
  }

  open(req: IncomingMessage): Reply {
    return {
      status: 200,
      body: "",
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      stream: (res) => {
        this.clients.add(res);
        req.on("close", () => this.clients.delete(res));
        res.write(this.event());
      },
    };
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
    clearTimeout(this.pending);
    clearInterval(this.keepAlive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private scheduleRefresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const event = this.event();
      for (const res of this.clients) res.write(event);
    }, refreshDelayMs);
  }

  private event(): string {
    const { slack, twilio, graph, inbound } = this.driver;
    return `event: snapshot\ndata: ${JSON.stringify(demoSnapshot(slack, twilio, graph, inbound))}\n\n`;
  }
}
