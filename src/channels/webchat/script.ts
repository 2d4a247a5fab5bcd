import fs from "node:fs";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../logger.js";
import { parseSiteKey } from "./address.js";

const widgetDir = new URL("./widget/", import.meta.url);

/** The embed script: the widget's JavaScript with its stylesheet inside, read once. */
let script: string | undefined;
export function widgetScript(): string {
  script ??= fs
    .readFileSync(new URL("widget.js", widgetDir), "utf8")
    .replace('"__WIDGET_CSS__"', JSON.stringify(fs.readFileSync(new URL("widget.css", widgetDir), "utf8")));
  return script;
}

/** `GET /webchat/<key>.js`: the same script for every site; it finds its API from its own address. */
export function serveWidgetScript(
  request: FastifyRequest<{ Params: { file: string } }>,
  reply: FastifyReply,
  log: Logger,
) {
  const match = /^(.+)\.js$/.exec(request.params.file);
  const key = match?.[1];
  if (!key || parseSiteKey(key) !== key) {
    log.info({ file: request.params.file }, "web chat script refused: not a site key");
    return reply.code(404).send({ error: "not found" });
  }
  return reply
    .type("text/javascript; charset=utf-8")
    .header("cache-control", "public, max-age=300")
    .header("x-content-type-options", "nosniff")
    .send(widgetScript());
}
